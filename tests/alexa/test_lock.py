"""One run per account: a second run is refused while the first holds the account, and the
lock of a run that died is taken over."""

from __future__ import annotations

import json
import subprocess
import sys

from voicewipe.alexa.lock import account_lock, lock_file
from voicewipe.mock import DEMO_EMAIL


def test_a_second_run_on_the_same_account_is_refused(mock, vw, out):
    with account_lock(mock.url, DEMO_EMAIL, "wipe"):  # a run in progress, in this process
        second = vw("export", "--no-audio", "--no-screenshots")
    assert second.code == 4
    message = second.result.err.strip().splitlines()[-1]
    assert message.startswith("voicewipe: another voicewipe run (wipe, process ")
    assert "try again when it has finished" in message
    assert not (out / "runs").exists()  # refused before a browser or a run folder
    assert mock.state()["requests"]["total"] == 0
    assert not lock_file(mock.url, DEMO_EMAIL).exists()  # released by its holder

    after = vw("export", "--no-audio", "--no-screenshots")
    assert after.code == 0, after.result.err


def test_the_lock_of_a_run_that_died_is_taken_over(mock, vw):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    path = lock_file(mock.url, DEMO_EMAIL)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"pid": int(gone.stdout), "command": "wipe", "since": "x"}))

    done = vw("export", "--no-audio", "--no-screenshots")
    assert done.code == 0, done.result.err
    assert "taking over the lock of a run that is gone" in done.result.err
    assert not path.exists()


def test_every_run_also_logs_to_the_users_log_file(mock, vw, tmp_path):
    """A cron job's runs leave their lines in the user's log folder, beside each run folder."""
    done = vw("export", "--no-audio", "--no-screenshots")
    assert done.code == 0, done.result.err
    log = tmp_path / "state" / "voicewipe" / "log" / "voicewipe.log"
    text = log.read_text(encoding="utf-8")
    assert f"run export -> {done.run_folders[-1]}" in text
    assert "INFO" in text
