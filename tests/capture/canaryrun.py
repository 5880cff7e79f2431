"""The canary run: `voicewipe capture` of a mock site whose account (e-mail, password, TOTP
key) is made for the test alone, then every check of canary.py on what it wrote, the mock's
state (the walk changed nothing) and the sidecar against its schema. test_canary.py and
test_canary_variants.py run it on the variants of the site the mock plays."""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

import jsonschema
import pyotp
import pytest
from canary import assert_clean

from clirun import run_cli
from voicewipe.capture import har
from voicewipe.mock import MockConfig, MockSite

SCHEMA = Path(__file__).resolve().parents[2] / "src/voicewipe/schemas/capture-sidecar.schema.json"
VARIANTS = {
    "classic": {},
    "2025": {
        "locale": "de-DE",
        "drift": True,
        "dom": "2025",
        "feed": "2025",
        "alexa_plus": True,
        "profile_filter": True,
    },
    "ja": {"locale": "ja-JP", "bulk_delete_wording": "selected", "device_entity_ids": False},
    "gb": {"locale": "en-GB", "bulk_delete_wording": "all_recordings", "activity_page": "redirect"},
}


def account() -> dict[str, str]:
    tag = secrets.token_hex(6)
    return {
        "email": f"canary.{tag}@mail-{tag}.example.org",
        "password": f"Canary-{secrets.token_urlsafe(12)}",
        "totp_secret": pyotp.random_base32(),
    }


def transcripts(mock: MockSite) -> set[str]:
    """Every transcript and reply the mock holds (what its feeds could send)."""
    out: set[str] = set()
    for store in mock.site.data.stores.values():
        for r in store:
            out |= {r.text, r.response}
    from voicewipe.mock import corpus

    out |= set(corpus.REPLACEMENTS[corpus.language(mock.config.locale)].values())
    return out


MARKETPLACES = {
    "en-US": "amazon.com",
    "de-DE": "amazon.de",
    "ja-JP": "amazon.co.jp",
    "en-GB": "amazon.co.uk",
}


def cookie_values(mock: MockSite, account: str) -> list[str]:
    """Every cookie value the mock set in the run: the browser's cookies as the run saved them
    (the saved sign-in), and the sessions the mock handed out."""
    from voicewipe.alexa import sessions

    state = sessions.load(mock.url, account) or {}
    values = [str(c["value"]) for c in state.get("cookies", []) if len(str(c["value"])) >= 6]
    return values + list(mock.site.auth.sessions)


def capture_the_canary(
    tmp_path: Path, variant: str, monkeypatch: pytest.MonkeyPatch, *, full: bool = False
) -> None:
    """`voicewipe capture` of the mock, signed in with the canary account's password and a
    one-time code from its TOTP key (given as a script would: VOICEWIPE_SECRET_*), checked."""
    who = account()
    monkeypatch.setenv("VOICEWIPE_SECRET_PASSWORD", who["password"])
    monkeypatch.setenv("VOICEWIPE_SECRET_TOTP_SECRET", who["totp_secret"])
    config = MockConfig(recordings=40, seed=11, mfa="totp", **who).replace(**VARIANTS[variant])
    path = tmp_path / "mock.har"
    with MockSite(config) as mock:
        before = mock.state()
        where = ["--site", mock.url, "--marketplace", MARKETPLACES[config.locale]]
        done = run_cli(
            "capture", *where, "--account", who["email"], *(["--full"] if full else []),
            "--out", str(path), "--runs", str(tmp_path / "runs"),
        )  # fmt: skip
        assert done.code == 0, done.err[-2000:]
        after, said, cookies = mock.state(), transcripts(mock), cookie_values(mock, who["email"])
    assert after["signin"]["successes"] >= 1 and cookies
    # Read-only, rehearsals included: nothing deleted, no setting changed.
    assert after["deletions"] == [] and after["settings"] == before["settings"]
    assert after["recordings"] == before["recordings"]
    side = tmp_path / "mock.sidecar.json"
    assert_clean(
        path,
        side,
        secrets=[who["password"], who["totp_secret"]],
        email=who["email"],
        transcripts=said,
        cookies=cookies,
    )
    _check_sidecar(json.loads(side.read_text()), path)
    assert har.read(path).meta.account == "person1@example.invalid"
    assert who["password"] not in done.out + done.err


def _check_sidecar(data: dict[str, Any], path: Path) -> None:
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).validate(data)
    assert data["capture"]["file"] == "mock.har"
    assert data["capture"]["bytes"] == path.stat().st_size
    assert data["secrets_checked"] == 2
    assert data["rules"]["as_shipped"] is True
    assert data["replaced"]["text"]["values"] > 5
    assert data["replaced"]["reply"]["values"] > 5
    assert data["audio"]["silenced"] >= 1
    assert data["dropped"]["cookies"] > 0
