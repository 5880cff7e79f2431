"""What a person sees of a command: a few lines a phase, not one a step. On a terminal one live
display below them (standing aside while the person is asked something); piped (cron, a
script) plain lines, few of them; every step only with -v, and always in the run's log."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from processes import Terminal

from voicewipe.cli import build_parser
from voicewipe.mock import MockConfig, MockSite

# One line a phase, as the piped run says them (20 recordings: no progress line comes).
PHASE_LINES = (
    "signing in: e-mail address entered",
    "signing in: password entered",
    "signed in as demo@example.com",
    "voice: 20 records listed (20 new)",
    "voice: audio of 20 of 20 recordings fetched (",
    "voice: export checked, 20 records, 18 audio files read again: verified",
    "deleting voice: 20 recordings match the filters, listed from the site",
    "voice: deleted 20 of 20 recordings (listed, then read back)",
    "auto-delete: this setting deletes 0 recordings now",
    'auto-delete: "Save recordings for 3 months" (3-months), read back from the page',
)


@dataclass(frozen=True)
class Piped:
    code: int
    out: str
    err: str
    folder: Path
    state: dict[str, object]


def _env(state: Path, **more: str) -> dict[str, str]:
    return {**os.environ, "XDG_STATE_HOME": str(state), **more}


@pytest.fixture(scope="module")
def piped(mock_server: MockSite, tmp_path_factory: pytest.TempPathFactory) -> Piped:
    """One `wipe --yes` with its stdout and stderr pipes, as cron runs it."""
    mock_server.reset(MockConfig(recordings=20))
    folder = tmp_path_factory.mktemp("piped")
    argv = ["wipe", "--yes", "--site", mock_server.url, "--out", str(folder / "out")]
    done = subprocess.run(
        [sys.executable, "-m", "voicewipe", *argv, "--no-screenshots"],
        env=_env(folder / "state"),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    return Piped(done.returncode, done.stdout, done.stderr, folder / "out", mock_server.state())


def test_a_piped_wipe_says_each_phase_in_a_few_lines(piped):
    assert piped.code == 0, piped.err
    assert piped.state["recordings"] == 0
    lines = (piped.err + piped.out).splitlines()
    assert len(lines) <= 40, piped.err + piped.out
    said = piped.err.splitlines()
    for phase in PHASE_LINES:
        assert any(line.startswith(phase) for line in said), f"no {phase!r} in:\n{piped.err}"
    assert "✓" not in piped.err and " -> " not in piped.err  # no step, no run-folder line
    assert "\x1b[" not in piped.err  # no display drawn into a pipe
    assert piped.out.startswith("voicewipe wipe: demo@example.com")
    assert "Deleted: 20 of 20 recordings" in piped.out


def test_the_run_log_keeps_every_step_line(piped):
    [run] = (piped.folder / "runs").iterdir()
    log = (run / "voicewipe.log").read_text(encoding="utf-8")
    assert re.search(r"\| INFO +\| +\d+ ✓ extract csrf from css", log)
    assert "voice: deleted 20 of 20 recordings" in log  # what the person read, too


def test_verbose_shows_the_steps_again(mock, vw):
    mock.reset(recordings=5)
    done = vw("export", "-v", "--no-audio", "--no-screenshots")  # -v after the subcommand
    assert done.code == 0, done.result.err
    steps = re.findall(r"^ *\d+ ✓ ", done.result.err, re.MULTILINE)
    assert len(steps) > 20, done.result.err
    assert "voice: 5 records listed (5 new)" in done.result.err  # and the phases as ever


@pytest.mark.unit
@pytest.mark.parametrize(
    ("argv", "verbose"),
    [
        (["-v", "wipe"], True),
        (["wipe", "-v"], True),
        (["wipe", "--verbose"], True),
        (["wipe"], False),
        (["run", "-v", "flow.yaml"], True),
    ],
)
def test_verbose_before_or_after_the_subcommand(argv, verbose):
    assert build_parser().parse_args(argv).verbose is verbose


def _screen(seen: str) -> list[str]:
    """The lines left on the screen: each as it was last drawn (colours dropped)."""
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "\x00", seen.replace("\r\n", "\n"))
    return [line.split("\x00")[-1].split("\r")[-1] for line in plain.split("\n")]


def test_on_a_terminal_one_live_display_that_stands_aside_for_the_question(mock, out, tmp_path):
    mock.reset(recordings=20, latency_ms=40, page_size=5)
    argv = [sys.executable, "-m", "voicewipe", "wipe", "--site", mock.url, "--out", str(out)]
    argv.append("--no-screenshots")
    term = Terminal(argv, _env(tmp_path / "state", COLUMNS="140"))
    try:
        term.wait_for("Type 20 and Enter to go ahead")
        asked = len(term.seen)
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            term._read()
        assert term.seen[asked:].strip() == "", "the display drew over the question"
        term.press_enter("20")
        code = term.finish()
    finally:
        term.close()
    assert code == 0, term.seen[-3000:]
    assert mock.state()["recordings"] == 0
    assert "✓" not in term.seen
    assert re.search(r"listing voice: \d+ records", term.seen)  # the live display's lines
    assert re.search(r"voice audio: \d+ of \d+, [\d.]+ MB, [\d.]+ MB/s", term.seen)
    screen = _screen(term.seen)
    for phase in PHASE_LINES:
        assert any(line.startswith(phase) for line in screen), f"no {phase!r}:\n{term.seen}"
    assert "Run folder: " in term.seen
    # The display is gone before the summary: nothing of it drawn after its first line.
    summary = term.seen.index("voicewipe wipe: demo@example.com")
    assert "━" not in term.seen[summary:] and "records listed" not in term.seen[summary:]
