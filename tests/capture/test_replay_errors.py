"""--replay when the capture cannot answer, is damaged, or is given with what it replaces:
one line each, never a traceback; and --yes in a replay still deletes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from captured import RECORDINGS

from clirun import run_cli

CAPTURE = RECORDINGS / "mock-en-US.har"


def _one_line(err: str) -> str:
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith("voicewipe: ")
    return last


def test_a_request_the_capture_cannot_answer_is_named_in_one_line(tmp_path: Path) -> None:
    har = json.loads(CAPTURE.read_text(encoding="utf-8"))
    entries = har["log"]["entries"]
    audio = [e for e in entries if "/rvh/audio" in e["request"]["url"]]
    assert audio
    har["log"]["entries"] = [e for e in entries if e not in audio]
    partial = tmp_path / "no-audio.har"
    partial.write_text(json.dumps(har), encoding="utf-8")
    result = run_cli("export", "--replay", str(partial), "--out", str(tmp_path / "out"))
    assert result.code == 1
    line = _one_line(result.err)
    assert (
        "no-audio.har has no answer for GET " in line
        and "/alexa-privacy/apd/rvh/audio?uid=" in line
    )
    assert "voicewipe capture --full" in line


@pytest.mark.unit
@pytest.mark.parametrize(
    "content",
    [b"", b"{not json", b'{"log": {"entries": []}}', json.dumps({"log": []}).encode()],
    ids=["empty", "not-json", "no-meta", "wrong-shape"],
)
def test_a_damaged_capture_is_refused_in_one_line(tmp_path: Path, content: bytes) -> None:
    damaged = tmp_path / "damaged.har"
    damaged.write_bytes(content)
    result = run_cli("doctor", "--replay", str(damaged), "--out", str(tmp_path))
    assert result.code == 2
    assert "damaged.har: not a voicewipe capture" in _one_line(result.err)


@pytest.mark.unit
def test_a_missing_capture_and_one_given_with_mock_are_refused(tmp_path: Path) -> None:
    missing = run_cli("wipe", "--replay", str(tmp_path / "none.har"), "--out", str(tmp_path))
    assert missing.code == 2 and "none.har: no such capture file" in _one_line(missing.err)
    both = run_cli("wipe", "--replay", str(CAPTURE), "--mock", "--out", str(tmp_path))
    assert both.code == 2 and "give it without --mock" in _one_line(both.err)


def test_yes_in_a_replay_still_rehearses(tmp_path: Path) -> None:
    out = str(tmp_path)
    assert run_cli("export", "--replay", str(CAPTURE), "--out", out).code == 0
    result = run_cli("delete", "--replay", str(CAPTURE), "--all", "--yes", "--out", out, "--json")
    assert result.code == 0, result.err[-1500:]
    summary = json.loads(result.out)
    assert summary["outcome"] == "rehearsal"
    run = json.loads((Path(summary["run_folder"]) / "run.json").read_text(encoding="utf-8"))
    acted = [s for s in run["steps"] if s.get("destructive") and s["outcome"] == "ok"]
    assert acted == []
    assert [s["label"] for s in run["steps"] if s["outcome"] == "rehearsed"] == [
        "Delete all of my recordings"
    ]
