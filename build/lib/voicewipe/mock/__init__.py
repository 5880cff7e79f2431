"""A local stand-in for Amazon's sign-in and Alexa privacy pages (see mock/README.md).

with MockSite(MockConfig(recordings=500, mfa="totp")) as mock:
    page.goto(mock.url + "/alexa-privacy/apd/rvh")
    ...
    assert mock.state()["recordings"] == 0
"""

from voicewipe.mock.config import (
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    LOCALES,
    MockConfig,
)
from voicewipe.mock.server import MockSite

__all__ = ["DEMO_EMAIL", "DEMO_PASSWORD", "DEMO_TOTP_SECRET", "LOCALES", "MockConfig", "MockSite"]
