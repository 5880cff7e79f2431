"""The canary (canaryrun.py) on the other variants of the site the mock plays: other
languages, 2025's pages and feed, the redesign (drift), the Alexa+ history, the profile
filter, the ways to delete. A minute and a half: in scripts/reliability (scripts/test runs the
classic site's, test_canary.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from canaryrun import VARIANTS, capture_the_canary

pytestmark = pytest.mark.reliability


@pytest.mark.parametrize("variant", [v for v in VARIANTS if v != "classic"])
def test_a_capture_holds_no_secret_and_no_transcript(
    tmp_path: Path, variant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    capture_the_canary(tmp_path, variant, monkeypatch)
