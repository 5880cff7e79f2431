"""The canary: a capture of the mock, signed in with a password, TOTP key and e-mail address
made for this test alone, holds none of them, nor the mock's transcripts and replies, nor any
cookie value the mock set, in any form (canary.py), in every variant of the site the mock
plays; and its sidecar is what the schema says."""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

import jsonschema
import pyotp
import pytest
from canary import assert_clean
from playwright.sync_api import Browser
from recording import record

from voicewipe.alexa.sitefiles import PACKAGED
from voicewipe.capture import har
from voicewipe.capture.rules import load_rules
from voicewipe.capture.scrub import scrub
from voicewipe.capture.sidecar import write_sidecar
from voicewipe.mock import MockConfig, MockSite

pytestmark = pytest.mark.engine
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


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_a_capture_holds_no_secret_and_no_transcript(
    browser: Browser, tmp_path: Path, variant: str
) -> None:
    who = account()
    config = MockConfig(recordings=120, seed=11, mfa="totp", **who).replace(**VARIANTS[variant])
    with MockSite(config) as mock:
        capture, cookies = record(browser, mock)
        said = transcripts(mock)
    assert len(capture.exchanges) > 20 and cookies
    scrubbed, sidecar = scrub(
        capture,
        load_rules(PACKAGED),
        account=who["email"],
        secrets=[who["password"], who["totp_secret"]],
    )
    path = tmp_path / "mock.har"
    har.write(path, scrubbed)
    side = write_sidecar(path, sidecar)
    assert side == tmp_path / "mock.sidecar.json"
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


def test_the_canary_sees_what_is_not_scrubbed(browser: Browser, tmp_path: Path) -> None:
    """The assertions are not idle: the same capture written unscrubbed fails them."""
    who = account()
    with MockSite(MockConfig(recordings=40, seed=5, mfa="totp", **who)) as mock:
        capture, cookies = record(browser, mock)
        said = transcripts(mock)
    path = tmp_path / "raw.har"
    har.write(path, capture)
    side = tmp_path / "raw.sidecar.json"
    side.write_text("{}")
    common: dict[str, Any] = {"secrets": [], "email": "", "transcripts": [], "cookies": []}
    for name, value in (("transcripts", said), ("cookies", cookies), ("email", who["email"])):
        with pytest.raises(AssertionError):
            assert_clean(path, side, **{**common, name: value})


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
