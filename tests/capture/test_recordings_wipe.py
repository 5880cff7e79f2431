"""A rehearsal of `wipe --replay` against every capture in recordings/captures/, with no site
running: the export holds every record the capture's feeds answered and every audio file it
answered, verified on disk, and the rehearsal stops at the first destructive step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from captured import audio_answers, captures, nothing_listens, origin, records

from clirun import run_cli


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.mark.parametrize("capture", captures(), ids=lambda p: p.stem)
def test_a_rehearsed_wipe_exports_what_the_capture_holds(capture: Path, tmp_path: Path) -> None:
    assert nothing_listens(origin(capture))
    result = run_cli("wipe", "--replay", str(capture), "--out", str(tmp_path), "--json")
    assert result.code == 0, result.err[-2000:]
    summary = json.loads(result.out)
    assert summary["outcome"] == "rehearsal" and summary["replay"] == str(capture)
    expected = records(capture)
    folder = Path(summary["export_folder"])
    for history, part in summary["histories"].items():
        if history not in expected:
            assert "skipped" in json.dumps(part), (history, part)
            continue
        export = part["export"]
        lines = _lines(folder / f"{history}-history.jsonl")
        assert export["records"] == export["reported"] == len(lines) == len(expected[history])
        assert export["verified"] is True
    on_disk = {p.stem for p in (folder / "audio").rglob("*.wav")}
    assert len(on_disk) == len(audio_answers(capture)) > 0
    run = json.loads((Path(summary["run_folder"]) / "run.json").read_text(encoding="utf-8"))
    rehearsed = [s for s in run["steps"] if s["outcome"] == "rehearsed"]
    assert [s["label"] for s in rehearsed] == ["Delete all of my recordings"]
    assert "has no answer" not in result.err
