"""What the mock site's pages say, taken from the mock's own words (its locale files,
src/voicewipe/mock/locales, which its templates render), never from the flows' language
files (flows/alexa/languages): those are what a test checks against the site."""

from __future__ import annotations

from voicewipe.mock import MockSite
from voicewipe.mock.i18n import locale


def checked_retention_label(mock: MockSite) -> str:
    """The label of the retention radio the settings page shows checked now: the site's own
    setting, in the words of the language (and variant) it is serving."""
    setting = mock.state()["settings"]["retention"]
    return locale(mock.config.locale, drift=mock.config.drift).labels[f"retention_{setting}"]
