"""What a command runs against: a marketplace (its site, sign-in origins and labels), an
account and its credentials, or the built-in mock site with its demo account."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voicewipe.alexa import sitefiles
from voicewipe.errors import UsageError
from voicewipe.secret import Secret

if TYPE_CHECKING:
    from voicewipe.mock import MockSite


@dataclass(frozen=True)
class Target:
    marketplace: str
    site: str  # the origin the flows open (the marketplace's, or the mock site's)
    signin_origins: tuple[str, ...]
    language: str
    labels: dict[str, Any]
    account: str
    password: Secret | None
    totp_secret: Secret | None
    flows: Path
    mock: bool  # the built-in or an already running mock site
    keep_session: bool  # save the sign-in for later runs (not for a throwaway mock)
    # The folder under --out that holds this site's export: the marketplace's name, or for a
    # mock started by this run one of its own (a fresh mock is a site of its own: its
    # recordings never merge with an earlier mock's).
    place: str


@dataclass(frozen=True)
class TargetOptions:
    """The command-line options that choose the target (the same on every Alexa command)."""

    account: str | None
    marketplace: str
    mock: bool
    site: str | None
    flows: Path | None
    mock_options: dict[str, Any]


def _secret_from_env(name: str, origins: tuple[str, ...]) -> Secret | None:
    from voicewipe.flow.inputs import secret_variable

    value = os.environ.get(secret_variable(name))
    return Secret(name, value, origins=origins) if value else None


def _credentials(
    account: str, marketplace: str, origins: tuple[str, ...], *, demo: bool
) -> tuple[Secret | None, Secret | None]:
    """The password and TOTP key, typed on `origins` only: the mock's demo account's own;
    else VOICEWIPE_SECRET_PASSWORD / VOICEWIPE_SECRET_TOTP_SECRET when set (scripts); else the
    OS keyring (`voicewipe credentials set`). None: asked for at the terminal when needed."""
    from voicewipe import credentials
    from voicewipe.mock import DEMO_PASSWORD, DEMO_TOTP_SECRET

    if demo:
        return (
            Secret("password", DEMO_PASSWORD, origins=origins),
            Secret("totp_secret", DEMO_TOTP_SECRET, origins=origins),
        )
    password = _secret_from_env("password", origins)
    totp = _secret_from_env("totp_secret", origins)
    if password is not None:
        return password, totp
    stored, stored_totp = credentials.lookup(account, marketplace, origins)
    return stored, totp or stored_totp


@contextmanager
def open_target(options: TargetOptions) -> Iterator[Target]:
    """The target, with the built-in mock site started (and stopped after) for --mock."""
    from voicewipe.mock import DEMO_EMAIL

    if options.mock and options.site:
        raise UsageError("give --mock (start the built-in mock site) or --site URL, not both")
    root = sitefiles.flows_dir(options.flows)
    market = sitefiles.marketplace(root, options.marketplace)
    language = sitefiles.language(root, market.language)
    mock_like = options.mock or options.site is not None
    if not mock_like and not options.account:
        raise UsageError(
            "--account EMAIL is needed: the Amazon account whose voice history this is"
        )
    account = options.account or DEMO_EMAIL

    def target(
        site: str, signin: tuple[str, ...], *, keep: bool, place: str = options.marketplace
    ) -> Target:
        password, totp = _credentials(
            account, options.marketplace, signin, demo=mock_like and account == DEMO_EMAIL
        )
        return Target(
            marketplace=options.marketplace,
            site=site.rstrip("/"),
            signin_origins=signin,
            language=market.language,
            labels=language.labels,
            account=account,
            password=password,
            totp_secret=totp,
            flows=root,
            mock=mock_like,
            keep_session=keep,
            place=place,
        )

    if options.site is not None:
        site = _checked_site(options.site)
        yield target(site, (site,), keep=True)
        return
    if options.mock:
        with _start_mock(market.language, options.mock_options) as mock:
            started = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            place = f"mock-{started}-{mock.url.rsplit(':', 1)[-1]}"
            yield target(mock.url, (mock.url,), keep=False, place=place)
        return
    site = str(market.site).rstrip("/")
    yield target(site, tuple(str(o).rstrip("/") for o in market.signin), keep=True)


def _checked_site(url: str) -> str:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a port that is no number
    except ValueError:  # `http://[::1` (an unclosed IPv6 address), `http://host:port`
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--site: {url!r} is not an address like http://127.0.0.1:8080")
    return f"{parts.scheme}://{parts.netloc}"


@contextmanager
def _start_mock(locale: str, extra: dict[str, Any]) -> Iterator[MockSite]:
    from voicewipe.mock import MockConfig, MockSite

    if extra.get("locale", locale) != locale:
        # The flows read the page in the marketplace's language: the mock must speak it.
        raise UsageError(
            f"--mock-option locale={extra['locale']}: the mock site speaks the marketplace's "
            f"language ({locale}); choose the marketplace instead, e.g. --marketplace amazon.de "
            "for de-DE"
        )
    try:
        config = MockConfig().replace(**{**extra, "locale": locale})
    except (TypeError, ValueError) as error:
        raise UsageError(f"--mock-option: {error}") from None
    with MockSite(config) as mock:
        print(f"voicewipe: mock Alexa site at {mock.url} ({locale})", file=sys.stderr)
        yield mock
