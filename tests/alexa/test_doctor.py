"""`voicewipe doctor` against the mock site: all fine on the normal pages; on the drift
variant it names every selector that no longer matches; and it changes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def _rows(done) -> dict[str, dict]:
    return {row["what"]: row for row in json.loads(done.result.out)}


def test_doctor_finds_everything_on_the_normal_pages(mock, vw):
    before = mock.state()
    done = vw("doctor", "--json", "--no-screenshots")
    rows = _rows(done)
    assert done.code == 0, done.result.out
    assert rows["browser"]["ok"] and rows["keyring"]["ok"] and rows["flows"]["ok"]
    assert "SecretService" in rows["keyring"]["detail"]
    assert rows["pages"]["detail"].startswith("all 16 elements")
    after = mock.state()
    assert after["histories"] == before["histories"] and after["settings"] == before["settings"]


def test_doctor_finds_everything_on_the_2025_pages(mock, vw):
    """The 2025 page classes, styled radio options and a bulk button with no id, worded
    "Alle Aufnahmen löschen" (German): doctor finds them as delete.yaml does."""
    mock.reset(recordings=10, locale="de-DE", dom="2025", bulk_delete_wording="all_recordings")
    done = vw("doctor", "--json", "--no-screenshots", "--marketplace", "amazon.de")
    rows = _rows(done)
    assert done.code == 0, done.result.out
    assert rows["pages"]["detail"].startswith("all 16 elements"), rows["pages"]


def test_doctor_names_what_changed_on_the_drift_pages(mock, vw):
    mock.configure(drift=True)
    done = vw("doctor", "--no-screenshots", "--timeout", "1")
    assert done.code == 1
    lines = done.result.out.splitlines()
    missing = [line for line in lines if line.startswith("NO ")]
    text = "\n".join(missing)
    assert "css '#filters-selected-bar > button' not found" in text
    bulk = next(line for line in missing if "rvh: the delete-all button" in line)
    assert "css '#delete-all-recordings-button'" in bulk and "not found" in bulk
    assert "css '#retention-confirm-button' not found" in text
    assert "doctor.yaml:" in text and "mend the flows" in text
    assert all(line.startswith(("ok ", "NO ")) for line in lines)
    assert mock.state()["deletions"] == []


def test_doctor_on_the_mock_notes_a_missing_keyring_without_failing(mock, tmp_path):
    # A process of its own: the keyring backend is chosen once per process.
    env = {
        **os.environ,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "voicewipe", "doctor", "--site", mock.url, "--json",
         "--no-screenshots", "--out", str(tmp_path / "out")],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    rows = {row["what"]: row for row in json.loads(done.stdout)}
    assert done.returncode == 0, done.stdout
    assert rows["keyring"]["note"] and rows["keyring"]["detail"].startswith("none available")
    # A real account does need it: there, the same keyring is a failure.
    real = subprocess.run(
        [sys.executable, "-m", "voicewipe", "doctor", "--json", "--out", str(tmp_path / "out")],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    rows = {row["what"]: row for row in json.loads(real.stdout)}
    assert real.returncode == 1 and not rows["keyring"]["ok"] and not rows["keyring"]["note"]
