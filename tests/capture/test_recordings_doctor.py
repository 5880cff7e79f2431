"""`doctor --replay` against every capture in recordings/captures/, with no site running:
every element the flows need is found on the recorded pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from captured import captures, nothing_listens, origin

from clirun import run_cli


@pytest.mark.parametrize("capture", captures(), ids=lambda p: p.stem)
def test_doctor_finds_every_element_on_the_recorded_pages(capture: Path, tmp_path: Path) -> None:
    assert nothing_listens(origin(capture))
    result = run_cli("doctor", "--replay", str(capture), "--out", str(tmp_path))
    assert result.code == 0, result.out + result.err
    assert "all 16 elements the flows need are there" in result.out
    assert "credentials" in result.out and "the capture's pages are signed in" in result.out
    assert "has no answer" not in result.err
