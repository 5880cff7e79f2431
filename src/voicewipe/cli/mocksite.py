"""The built-in mock Alexa site, plugged into the Alexa commands from the command line's side
(`--mock`, `--site URL`): the product (voicewipe.alexa) never imports the mock."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from voicewipe.alexa.target import DemoAccount, SiteStarter
from voicewipe.errors import UsageError


def demo_account() -> DemoAccount:
    from voicewipe.mock import DEMO_EMAIL, DEMO_PASSWORD, DEMO_TOTP_SECRET

    # The mock's other accounts (--mock-option accounts=N) share the demo's password and key.
    also = tuple(f"demo{k}@example.com" for k in range(2, 51))
    return DemoAccount(DEMO_EMAIL, DEMO_PASSWORD, DEMO_TOTP_SECRET, also)


def starter(extra: dict[str, Any]) -> SiteStarter:
    """What starts the mock site for a run, in the marketplace's language, with `extra`
    options (--mock-option NAME=VALUE)."""

    @contextmanager
    def start(locale: str) -> Iterator[str]:
        from voicewipe.mock import MockConfig, MockSite

        if extra.get("locale", locale) != locale:
            # The flows read the page in the marketplace's language: the mock must speak it.
            raise UsageError(
                f"--mock-option locale={extra['locale']}: the mock site speaks the "
                f"marketplace's language ({locale}); choose the marketplace instead, e.g. "
                "--marketplace amazon.de for de-DE"
            )
        try:
            config = MockConfig().replace(**{**extra, "locale": locale})
        except (TypeError, ValueError) as error:
            raise UsageError(f"--mock-option: {error}") from None
        with MockSite(config) as mock:
            print(f"voicewipe: mock Alexa site at {mock.url} ({locale})", file=sys.stderr)
            yield mock.url

    return start


def account_emails(extra: dict[str, Any]) -> tuple[str, ...]:
    """The accounts a mock site started with these options has (--mock-option accounts=N)."""
    from voicewipe.mock import MockConfig

    try:
        return MockConfig().replace(**extra).account_emails
    except (TypeError, ValueError) as error:
        raise UsageError(f"--mock-option: {error}") from None
