"""`voicewipe capture`'s wrong options: one line each, before any browser starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from clirun import run_cli

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ([], "capture: --out FILE is needed"),
        (["--out", "capture.json"], "should end in .har"),
        (["--out", "no-such-folder/c.har"], "is not a folder to write the capture in"),
        (["--out", "c.har", "--pages", "-1"], "--pages: -1 is below 0"),
        (["--out", "c.har", "--audio", "-2"], "--audio: -2 is below 0"),
        (["--out", "c.har", "--yes"], "unrecognized arguments: --yes"),
        (["--out", "c.har", "--replay", "x.har"], "unrecognized arguments: --replay"),
        (["--diff", "only-one.har"], "expected 2 arguments"),
    ],
)
def test_wrong_options_are_one_line(
    options: list[str], said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("capture", "--mock", *options)
    assert result.code == 2, result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and said in lines[0] and "Traceback" not in result.err
    assert not list(tmp_path.glob("*.har"))
