"""The canary: a capture of the mock, signed in with a password, TOTP key and e-mail address
made for this test alone, holds none of them, nor the mock's transcripts and replies, nor any
cookie value the mock set, in any form (canary.py); the walk, rehearsals included, changed
nothing on the site; and its sidecar is what the schema says. The other variants of the site:
test_canary_variants.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from canary import assert_clean
from canaryrun import account, capture_the_canary, transcripts
from playwright.sync_api import Browser
from recording import record

from voicewipe.capture import har
from voicewipe.mock import MockConfig, MockSite


def test_a_full_capture_holds_no_secret_and_no_transcript(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    capture_the_canary(tmp_path, "classic", monkeypatch, full=True)


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
