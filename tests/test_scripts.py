"""The README's main-job wrapper works on this checkout: set-up, then the CLI."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]


def test_the_wrapper_sets_up_and_runs_the_cli() -> None:
    # scripts/voicewipe runs scripts/setup without --test, a path CI does not take otherwise.
    done = subprocess.run(
        [str(ROOT / "scripts" / "voicewipe"), "--version"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "voicewipe 0.1.0\n"), done.stderr


def _readme_main_job() -> list[str]:
    """The main-job command exactly as the README gives it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line.strip() for line in readme.splitlines() if line.startswith("    scripts/")]
    assert lines[0].startswith("scripts/voicewipe "), lines
    return lines[0].split()


def test_the_readme_main_job_wipes_the_mock_site(tmp_path: Path) -> None:
    """`scripts/voicewipe wipe --mock --yes`, run as a new user would, from an empty folder."""
    command = _readme_main_job()
    assert command[1:] == ["wipe", "--mock", "--yes"]
    folders = []
    for _ in range(2):  # run twice: each run reports its own numbers and keeps its own export
        done = subprocess.run(
            [str(ROOT / command[0]), *command[1:], "--json"],
            cwd=tmp_path,
            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path)},
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        summary = json.loads(done.stdout)
        assert summary["export"]["verified"] is True
        assert summary["export"]["records"] == summary["export"]["reported"] == 300
        assert summary["delete"]["deleted"] == summary["delete"]["matched"] == 300
        assert summary["delete"]["remaining"] == 0
        assert summary["auto_delete"]["retention"] == "3-months"
        archive = tmp_path / summary["export"]["folder"]  # relative to where it ran
        assert archive.parent.parent == tmp_path / "recordings"
        assert archive.parent.name.startswith("mock-") and archive.name == "demo@example.com"
        lines = (archive / "voice-history.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(lines) == summary["export"]["records"]
        assert len(list((archive / "audio").glob("*.wav"))) == summary["export"]["with_audio"]
        folders.append(archive)
    assert folders[0] != folders[1]
    assert (tmp_path / "recordings" / "runs").is_dir()
