"""A redesigned page (the mock's drift variant: renamed ids and classes) stops the run before
any destructive click, names the flow step and the selector that no longer matches, and leaves
the recordings and settings as they were; the export, which comes first, is still written."""

from __future__ import annotations

import zipfile
from typing import Any


def _message(err: str) -> str:
    assert "voicewipe: " in err, err
    return err[err.rindex("voicewipe: ") :].strip()


def _untouched(before: dict[str, Any], after: dict[str, Any]) -> None:
    assert after["histories"]["voice"]["total"] == before["histories"]["voice"]["total"]
    assert after["histories"]["voice"]["deleted"] == 0
    assert after["histories"]["voice"]["pending_deletion"] == 0
    assert after["deletions"] == []
    assert after["settings"] == before["settings"]


def test_wipe_on_a_drifted_page_stops_before_deleting(mock, vw):
    mock.reset(recordings=20, drift=True)
    before = mock.state()
    done = vw("wipe", "--yes", "--timeout", "3", "--no-screenshots")
    assert done.code == 1, done.result.err
    assert "Traceback" not in done.result.err
    message = _message(done.result.err)
    assert "\n" not in message
    assert "delete.yaml" in message
    assert "Open the filters" in message
    assert "#filters-selected-bar > button" in message
    assert done.run_json["destructive_steps_done"] == 0
    _untouched(before, mock.state())

    # The export ran first and is complete: what a mended flow will delete is already safe.
    records = done.records()
    assert len(records) == before["histories"]["voice"]["total"] == 20
    assert done.manifest()["histories"]["voice"]


def test_auto_delete_on_a_drifted_page_changes_nothing(mock, vw):
    mock.reset(recordings=20, drift=True)
    before = mock.state()
    done = vw("auto-delete", "3-months", "--yes", "--timeout", "3", "--no-screenshots")
    assert done.code == 1, done.result.err
    assert "Traceback" not in done.result.err
    message = _message(done.result.err)
    assert "\n" not in message
    assert "auto-delete.yaml" in message
    assert "input[name=retention-setting]" in message
    assert done.run_json["destructive_steps_done"] == 0
    _untouched(before, mock.state())
    assert mock.state()["settings"]["retention"] == "UNTIL_DELETED"


def test_a_failed_run_keeps_its_trace_only_when_no_secret_was_typed(mock, vw):
    """A trace records what was typed: a run that signed in (typing the password) keeps none;
    a run on a saved sign-in keeps its trace for the person mending the flow."""
    mock.configure(drift=True)
    signed_in = vw("delete", "--all", "--no-export", "--yes", "--timeout", "3", "--no-screenshots")
    assert signed_in.code == 1, signed_in.result.err
    assert not (signed_in.run_folders[-1] / "trace.zip").exists()
    assert "no trace.zip: a password or code was typed" in signed_in.result.err

    reused = vw("delete", "--all", "--no-export", "--yes", "--timeout", "3", "--no-screenshots")
    assert reused.code == 1, reused.result.err
    assert reused.run_json["trace"] == "trace.zip"
    assert zipfile.is_zipfile(reused.run_folders[-1] / "trace.zip")
