"""What a command runs against: a marketplace (its site, sign-in origins and labels), an
account and its credentials, or a site the command line started for the run (the built-in
mock site, with its demo account).

The product knows nothing of the mock: the command line plugs it in (`TargetOptions.start`,
see cli/mocksite.py), so voicewipe installed without its tests still reads as one product.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voicewipe.alexa import sitefiles
from voicewipe.errors import UsageError
from voicewipe.secret import Secret

if TYPE_CHECKING:
    from voicewipe.capture.replay import Replay


@dataclass(frozen=True)
class Target:
    marketplace: str
    site: str  # the origin the flows open (the marketplace's, or the mock site's)
    signin_origins: tuple[str, ...]
    language: str
    labels: dict[str, Any]
    words: sitefiles.Vocabulary  # the Alexa vocabulary the commands and flows share
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
    replay: str | None = None  # the capture a --replay run answers from


@dataclass(frozen=True)
class DemoAccount:
    """A test site's own account, whose password is no secret (the mock's demo account)."""

    email: str
    password: str
    totp_secret: str
    also: tuple[str, ...] = ()  # the site's other accounts, with the same password and key


# A site started for the run in the marketplace's language (a locale tag): its address while
# the context lasts.
SiteStarter = Callable[[str], AbstractContextManager[str]]


@dataclass(frozen=True)
class TargetOptions:
    """The command-line options that choose the target (the same on every Alexa command)."""

    account: str | None
    marketplace: str
    site: str | None  # --site URL: an already running test site
    flows: Path | None
    start: SiteStarter | None = None  # --mock: the site to start for the run
    demo: DemoAccount | None = None  # the test site's account (with --mock or --site)
    replay: Replay | None = None  # --replay FILE: a capture answers, no site at all

    @property
    def test_site(self) -> bool:
        return self.start is not None or self.site is not None or self.replay is not None


def _secret_from_env(name: str, origins: tuple[str, ...]) -> Secret | None:
    from voicewipe.flow.inputs import secret_variable

    value = os.environ.get(secret_variable(name))
    return Secret(name, value, origins=origins) if value else None


def _credentials(
    account: str, marketplace: str, origins: tuple[str, ...], *, demo: DemoAccount | None
) -> tuple[Secret | None, Secret | None]:
    """The password and TOTP key, typed on `origins` only: a test site's demo account's own;
    else VOICEWIPE_SECRET_PASSWORD / VOICEWIPE_SECRET_TOTP_SECRET when set (scripts); else the
    OS keyring (`voicewipe credentials set`). None: asked for at the terminal when needed."""
    from voicewipe import credentials

    if demo is not None and (account == demo.email or account in demo.also):
        return (
            Secret("password", demo.password, origins=origins),
            Secret("totp_secret", demo.totp_secret, origins=origins),
        )
    password = _secret_from_env("password", origins)
    totp = _secret_from_env("totp_secret", origins)
    if password is not None:
        return password, totp
    stored, stored_totp = credentials.lookup(account, marketplace, origins)
    return stored, totp or stored_totp


@contextmanager
def open_target(options: TargetOptions) -> Iterator[Target]:
    """The target, with the test site started (and stopped after) for --mock."""
    with open_targets(options, [options.account] if options.account else []) as (target,):
        yield target


@contextmanager
def open_targets(options: TargetOptions, accounts: list[str]) -> Iterator[list[Target]]:
    """A target for each account on the options' marketplace (the test site's demo account
    when none is given), with the test site started once for all (--mock)."""
    root, market, language, words = _site_files(options)
    if not options.test_site and not accounts:
        raise UsageError(
            "--account EMAIL is needed: the Amazon account whose voice history this is"
        )
    if options.replay is not None:
        yield [_replayed(root, options.replay, words)]
        return
    demo = options.demo if options.test_site else None
    accounts = accounts or [demo.email if demo else ""]

    def targets(
        site: str, signin: tuple[str, ...], *, keep: bool, place: str = options.marketplace
    ) -> list[Target]:
        made = []
        for account in accounts:
            password, totp = _credentials(account, options.marketplace, signin, demo=demo)
            made.append(
                Target(
                    marketplace=options.marketplace,
                    site=site.rstrip("/"),
                    signin_origins=signin,
                    language=market.language,
                    labels=language.labels,
                    words=words,
                    account=account,
                    password=password,
                    totp_secret=totp,
                    flows=root,
                    mock=options.test_site,
                    keep_session=keep,
                    place=place,
                )
            )
        return made

    if options.site is not None:
        site = _checked_site(options.site)
        yield targets(site, (site,), keep=True)
        return
    if options.start is not None:
        with options.start(market.language) as url:
            started = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            place = f"mock-{started}-{url.rsplit(':', 1)[-1]}"
            yield targets(url, (url,), keep=False, place=place)
        return
    site = str(market.site).rstrip("/")
    yield targets(site, tuple(str(o).rstrip("/") for o in market.signin), keep=True)


def _site_files(
    options: TargetOptions,
) -> tuple[Path, sitefiles.Marketplace, sitefiles.Language, sitefiles.Vocabulary]:
    """The flows folder and what the target needs of it, checked."""
    if options.start is not None and options.site:
        raise UsageError("give --mock (start the built-in mock site) or --site URL, not both")
    root = sitefiles.flows_dir(options.flows)
    market = sitefiles.marketplace(root, options.marketplace)
    language = sitefiles.language(root, market.language)
    words = sitefiles.vocabulary(root)
    # A mended flows folder that breaks what the commands rely on stops here, before any
    # browser starts and any password is typed.
    from voicewipe.alexa.contracts import check_folder

    check_folder(root)
    return root, market, language, words


def _replayed(root: Path, replay: Replay, words: sitefiles.Vocabulary) -> Target:
    """The site a capture recorded, its account as the capture names it (replaced): no
    credentials (its pages are signed in), nothing kept, an export folder of its own."""
    meta = replay.capture.meta
    return Target(
        marketplace=meta.marketplace,
        site=meta.origin.rstrip("/"),
        signin_origins=(meta.origin.rstrip("/"),),
        language=meta.language,
        labels=sitefiles.language(root, meta.language).labels,
        words=words,
        account=meta.account,
        password=None,
        totp_secret=None,
        flows=root,
        mock=False,
        keep_session=False,
        # A capture's own folder: two captures are two sites, whatever their files are called.
        place=f"replay-{replay.path.stem}-{''.join(c for c in meta.made if c.isalnum())}",
        replay=str(replay.path),
    )


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
