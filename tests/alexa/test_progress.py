"""Progress (records listed, audio downloaded, entries deleted): shown on a terminal, absent
when the output is not one (cron, a pipe): there the log lines say the same in words."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import time


def _run_on_a_terminal(argv: list[str], env: dict[str, str]) -> tuple[int, str]:
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        argv, stdin=secondary, stdout=secondary, stderr=secondary, env=env, close_fds=True
    )
    os.close(secondary)
    chunks, deadline = [], time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            try:
                data = os.read(primary, 65536)
            except OSError:  # the terminal closed: the process is done
                break
            if not data:
                break
            chunks.append(data)
        return process.wait(timeout=30), b"".join(chunks).decode("utf-8", "replace")
    finally:
        if process.poll() is None:
            process.kill()
        os.close(primary)


def test_audio_progress_on_a_terminal_and_none_off_it(mock, vw, out, tmp_path):
    mock.reset(recordings=60, latency_ms=20)
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"), "COLUMNS": "160"}
    argv = [sys.executable, "-m", "voicewipe", "export", "--site", mock.url,
            "--out", str(tmp_path / "tty"), "--no-screenshots"]  # fmt: skip
    code, seen = _run_on_a_terminal(argv, env)
    assert code == 0, seen[-2000:]
    assert "downloading audio" in seen
    assert "MB/s" in seen

    mock.reset(recordings=60)
    piped = vw("export", "--no-screenshots")
    assert piped.code == 0, piped.result.err
    assert "downloading audio" not in piped.result.err
    assert re.search(r"audio: (\d+) of \1 fetched", piped.result.err)  # in words instead


def test_listing_and_deleting_progress_on_a_terminal(mock, vw, out, tmp_path):
    mock.reset(recordings=60, latency_ms=20, page_size=10)  # six pages: several updates
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"), "COLUMNS": "160"}
    common = ["--site", mock.url, "--out", str(tmp_path / "tty"), "--no-screenshots"]
    code, seen = _run_on_a_terminal([sys.executable, "-m", "voicewipe", "export", *common], env)
    assert code == 0, seen[-2000:]
    assert re.search(r"listing voice history: \d+ records", seen)

    argv = [sys.executable, "-m", "voicewipe", "delete", "--all", "--yes", *common]
    code, seen = _run_on_a_terminal(argv, env)
    assert code == 0, seen[-2000:]
    assert "listing what to delete" in seen
    assert re.search(r"deleted \(read back\).*60/60", seen)
    assert mock.state()["recordings"] == 0

    mock.reset(recordings=60)
    assert vw("export", "--no-screenshots").code == 0
    piped = vw("delete", "--all", "--yes", "--no-screenshots")
    assert piped.code == 0, piped.result.err
    assert "listing what to delete" not in piped.result.err
    assert "deleted 60 of 60 recordings (listed, then read back)" in piped.result.err
