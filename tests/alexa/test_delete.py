"""`voicewipe delete` end to end: it refuses what no verified export holds, rehearses without
--yes, deletes exactly the days or the device asked for (checked on the mock site), and turns
every bad invocation into one line and exit 2 before touching anything."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest


def _local_day(record) -> date:
    """The day a record falls on in this machine's time zone (as --since/--until mean it)."""
    return datetime.fromtimestamp(record["timestamp_ms"] / 1000).date()


def _utc_day(record) -> str:
    return datetime.fromtimestamp(record["timestamp_ms"] / 1000, UTC).date().isoformat()


def _export(vw, *args: str):
    """The export a deletion needs (its screenshots are not what these tests are about)."""
    done = vw("export", "--json", "--no-screenshots", *args)
    assert done.code == 0, done.result.err
    assert done.summary["export"]["verified"] is True
    return done


def test_delete_without_an_export_is_refused(mock, vw):
    """Nothing is lost: with no verified export, delete refuses (exit 4) and deletes nothing."""
    before = mock.state()["histories"]["voice"]
    done = vw("delete", "--all", "--yes")
    assert done.code == 4, done.result.err
    assert "verified export" in done.result.err
    after = mock.state()
    assert after["histories"]["voice"]["total"] == before["total"]
    assert after["histories"]["voice"]["deleted"] == 0
    assert after["deletions"] == []


def test_rehearsal_deletes_nothing_and_shows_the_button(mock, vw):
    """Without --yes the run stops at "Delete all", screenshots it and says how many it would
    delete; the site is untouched."""
    total = mock.state()["histories"]["voice"]["total"]
    _export(vw)
    done = vw("delete", "--all", "--json")
    assert done.code == 0, done.result.err
    state = mock.state()
    assert state["histories"]["voice"]["total"] == total
    assert state["deletions"] == []

    summary = done.summary
    assert summary["outcome"] == "rehearsal"
    assert summary["delete"]["rehearsal"] is True
    assert summary["delete"]["would_delete"] == total
    assert summary["delete"]["deleted"] == 0

    folder = Path(summary["run_folder"])
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert run["outcome"] == "rehearsal"
    assert run["destructive_steps_done"] == 0
    (step,) = [s for s in run["steps"] if s["number"] == run["rehearsed_step"]]
    assert step["outcome"] == "rehearsed"
    assert step["destructive"] is True
    picture = (folder / step["screenshot"]).read_bytes()
    assert picture[:8] == b"\x89PNG\r\n\x1a\n"
    assert hashlib.sha256(picture).hexdigest() == step["screenshot_sha256"]


def test_delete_a_date_range(mock, vw):
    """--since/--until deletes exactly the records of those local days, and nothing else
    (the site takes a moment to finish a bulk deletion: the command waits it out)."""
    mock.reset(recordings=40, deletion_delay_s=1)
    exported = _export(vw)
    records = exported.records()
    days = sorted({_local_day(r) for r in records})
    since, until = days[len(days) // 3], days[len(days) // 2]
    doomed = [r for r in records if since <= _local_day(r) <= until]
    kept = [r for r in records if not since <= _local_day(r) <= until]
    assert doomed
    assert kept

    done = vw("delete", "--since", str(since), "--until", str(until), "--yes", "--json")
    assert done.code == 0, done.result.err
    voice = mock.state()["histories"]["voice"]
    assert voice["total"] == len(kept)
    assert voice["deleted"] == len(doomed)
    assert +Counter(voice["by_day"]) == Counter(_utc_day(r) for r in kept)
    assert +Counter(voice["by_device"]) == Counter(r["device"] for r in kept)
    summary = done.summary["delete"]
    assert summary["matched"] == summary["deleted"] == len(doomed)
    assert summary["remaining"] == 0
    assert summary["verified"] is True


def test_delete_one_device(mock, vw):
    """--device deletes that device's recordings only (a name with an apostrophe, as the
    Alexa app's default names have)."""
    mock.reset(recordings=40, deletion_delay_s=0)
    before = mock.state()["histories"]["voice"]["by_device"]
    device = next(name for name in before if "'" in name)
    _export(vw)
    done = vw("delete", "--all", "--device", device, "--yes", "--json")
    assert done.code == 0, done.result.err
    after = mock.state()["histories"]["voice"]["by_device"]
    assert after.get(device, 0) == 0
    assert {k: v for k, v in after.items() if k != device} == {
        k: v for k, v in before.items() if k != device
    }
    summary = done.summary["delete"]
    assert summary["device"] == device
    assert summary["deleted"] == before[device]
    assert summary["remaining"] == 0


def test_unknown_device_is_named_with_the_real_ones(mock, vw):
    """A misspelt device must not widen the deletion to every device: exit 2, the message
    names it and lists the devices there are, nothing deleted."""
    devices = mock.state()["histories"]["voice"]["by_device"]
    done = vw("delete", "--all", "--device", "Attic Echo", "--yes", "--no-export")
    assert done.code == 2, done.result.err
    message = done.result.err.strip().splitlines()[-1]
    assert "Attic Echo" in message
    for name in devices:
        assert name in message
    state = mock.state()
    assert state["histories"]["voice"]["deleted"] == 0
    assert state["deletions"] == []


def test_no_export_deletes_without_an_export(mock, vw):
    """--no-export is the explicit way to delete what was never exported."""
    mock.reset(recordings=40, deletion_delay_s=0)
    total = mock.state()["histories"]["voice"]["total"]
    done = vw("delete", "--all", "--no-export", "--yes", "--json")
    assert done.code == 0, done.result.err
    voice = mock.state()["histories"]["voice"]
    assert voice["total"] == 0
    assert voice["deleted"] == total
    summary = done.summary["delete"]
    assert summary["export_required"] is False
    assert summary["deleted"] == total


@pytest.mark.parametrize(
    "args",
    [
        pytest.param([], id="neither-all-nor-range"),
        pytest.param(["--all", "--since", "2024-01-01"], id="all-and-since"),
        pytest.param(["--since", "2024-01-01"], id="only-since"),
        pytest.param(["--since", "2024-02-01", "--until", "2024-01-01"], id="since-after-until"),
        pytest.param(["--since", "2024-13-40", "--until", "2024-12-31"], id="bad-date"),
        pytest.param(["--all", "--marketplace", "amazon.fr"], id="unknown-marketplace"),
    ],
)
def test_usage_errors_touch_nothing(mock, vw, out, args):
    """A mistyped command is one line and exit 2, before any browser or deletion."""
    done = vw("delete", *args, "--yes", "--no-export")
    assert done.code == 2
    lines = done.result.err.strip().splitlines()
    assert len(lines) == 1, done.result.err
    assert lines[0].startswith("voicewipe: ")
    assert "Traceback" not in done.result.err
    assert not (out / "runs").exists()
    state = mock.state()
    assert state["histories"]["voice"]["deleted"] == 0
    assert state["requests"]["total"] == 0


def test_delete_detected_sounds(mock, vw):
    """--what sounds deletes the detected sounds history (after exporting it) and leaves the
    voice history alone."""
    mock.reset(recordings=40, deletion_delay_s=0)
    before = mock.state()["histories"]
    assert before["sounds"]["total"] > 0
    exported = _export(vw, "--what", "sounds")
    sounds = exported.archive() / "sounds-history.jsonl"
    assert len(sounds.read_text(encoding="utf-8").splitlines()) == before["sounds"]["total"]

    done = vw("delete", "--what", "sounds", "--all", "--yes", "--json")
    assert done.code == 0, done.result.err
    after = mock.state()["histories"]
    assert after["sounds"]["total"] == 0
    assert after["sounds"]["deleted"] == before["sounds"]["total"]
    assert after["voice"]["total"] == before["voice"]["total"]
    assert after["smarthome"]["total"] == before["smarthome"]["total"]
    assert done.summary["delete"]["deleted"] == before["sounds"]["total"]
