"""`voicewipe wipe` from a fresh account: everything exported, verified, deleted, verified,
and auto-delete set, checked on the mock site and on disk."""

from __future__ import annotations

import hashlib


def test_wipe_from_a_fresh_account(mock, vw):
    before = mock.state()["histories"]["voice"]
    done = vw("wipe", "--yes", "--json")
    assert done.code == 0, done.result.err
    state = mock.state()
    assert state["histories"]["voice"]["total"] == 0
    assert state["settings"]["retention"] == "THREE_MONTHS"

    records = done.records()
    assert len(records) == before["total"] == len({r["record_key"] for r in records})
    with_audio = [r for r in records if r["audio"]]
    assert len(with_audio) == before["with_audio"]
    manifest = done.manifest()["histories"]["voice"]
    for record in with_audio:
        data = (done.archive() / "audio" / record["audio"]).read_bytes()
        assert data[:4] == b"RIFF"  # decompressed, playable WAV
        saved = manifest["audio_files"][record["audio"]]
        assert saved["sha256"] == hashlib.sha256(data).hexdigest()

    summary = done.summary
    assert summary["export"]["verified"] is True
    assert summary["delete"] == summary["delete"] | {"deleted": before["total"], "remaining": 0}
    assert summary["auto_delete"]["retention"] == "3-months"
    assert summary["auto_delete"]["retention_label"] == "Save recordings for 3 months"
    # The export vouches for the older recordings, but the wipe's delete already removed them.
    assert summary["auto_delete"]["deleted_by_setting"] == 0


def test_the_nightly_rerun_has_nothing_to_do(mock, vw):
    """Once the history is clean, a wipe on the saved sign-in only checks: no sign-in page,
    nothing new, nothing deleted, the setting read back and unchanged, and it says so."""
    mock.reset(recordings=20, deletion_delay_s=0)
    first = vw("wipe", "--yes", "--no-screenshots")
    assert first.code == 0, first.result.err
    attempts = mock.state()["signin"]["password_attempts"]

    again = vw("wipe", "--yes", "--no-screenshots", "--json")
    assert again.code == 0, again.result.err
    summary = again.summary
    assert summary["nothing_to_do"] is True
    assert summary["export"]["new"] == 0 and summary["delete"]["matched"] == 0
    assert summary["auto_delete"]["changed"] == []
    assert mock.state()["signin"]["password_attempts"] == attempts  # the saved sign-in held

    said = vw("wipe", "--yes", "--no-screenshots")
    expected = (
        "Nothing to do: no new recordings, nothing to delete, and auto-delete still reads "
        '"Save recordings for 3 months"'
    )
    assert expected in said.result.out
