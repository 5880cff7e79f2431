"""`voicewipe export` end to end: what lands on disk matches what the mock site holds, ranges
export exactly their days, a second run adds nothing, a killed run resumes without losing or
duplicating anything, and a damaged manifest stops the command cleanly."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import signal
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from processes import Voicewipe

AUDIO_ENDPOINT = "GET /alexa-privacy/apd/rvh/audio"
ACCOUNT = "demo@example.com"
KINDS = {"GENERAL", "WAKE_WORD_ONLY", "DEVICE_ARBITRATION", "ASR_TIMEOUT", "NO_EXPRESSED_INTENT"}


def _audio_requests(mock) -> int:
    return int(mock.state()["requests"]["by_endpoint"].get(AUDIO_ENDPOINT, 0))


def _settled_audio_requests(mock) -> int:
    """The audio request count once the killed run's last requests have all been counted."""
    last = _audio_requests(mock)
    for _ in range(50):
        time.sleep(0.2)
        now = _audio_requests(mock)
        if now == last:
            break
        last = now
    return last


def _local_day(record) -> date:
    """The day a record falls on in this machine's time zone (as --since/--until mean it)."""
    return datetime.fromtimestamp(record["timestamp_ms"] / 1000).date()


def _utc_day(record) -> str:
    return datetime.fromtimestamp(record["timestamp_ms"] / 1000, UTC).date().isoformat()


def _check_audio(done, records) -> None:
    """Every record with audio has a playable WAV whose size and SHA-256 the manifest holds,
    and the audio folder holds nothing else."""
    audio_dir = done.archive() / "audio"
    files = done.manifest()["histories"]["voice"]["audio_files"]
    named = {r["audio"] for r in records if r["audio"]}
    on_disk = {p.name for p in audio_dir.glob("*.wav")} if audio_dir.is_dir() else set()
    assert on_disk == named
    for record in records:
        if not record["audio"]:
            continue
        data = (audio_dir / record["audio"]).read_bytes()
        assert data[:4] == b"RIFF", record["audio"]
        entry = files[record["audio"]]
        assert entry["size"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["record_key"] == record["record_key"]


def test_export_writes_every_record_and_its_audio(mock, vw):
    """The export is the only copy once the site deletes: every record once, with the fields
    a person needs, and every recording's audio intact and vouched for by the manifest."""
    voice = mock.state()["histories"]["voice"]
    done = vw("export", "--json")
    assert done.code == 0, done.result.err

    records = done.records()
    keys = [r["record_key"] for r in records]
    assert len(records) == voice["total"] == len(set(keys))
    assert [r["timestamp_ms"] for r in records] == sorted(r["timestamp_ms"] for r in records)
    for record in records:
        stamp = record["timestamp"]
        assert stamp.endswith("Z"), stamp
        parsed = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        assert parsed.utcoffset() is not None
        assert round(parsed.timestamp() * 1000) == record["timestamp_ms"]
        assert record["device"] in voice["by_device"]
        assert record["kind"] in KINDS
        assert record["utterance_id"]
        for field in ("profile", "transcript", "response", "audio"):
            assert field in record
        assert record["audio"] is None or record["audio"].endswith(".wav")
    # What the site holds, seen from the export: per device, per day, with and without audio.
    assert Counter(r["device"] for r in records) == +Counter(voice["by_device"])
    assert Counter(_utc_day(r) for r in records) == +Counter(voice["by_day"])
    with_audio = [r for r in records if r["audio"]]
    assert len(with_audio) == voice["with_audio"]
    _check_audio(done, records)

    manifest = done.manifest()["histories"]["voice"]
    assert manifest["records"] == voice["total"]
    assert manifest["with_audio"] == voice["with_audio"]
    assert manifest["audio_pending"] == 0
    (listed,) = manifest["ranges"]
    assert listed["reported"] == listed["written"] == len(records)

    summary = done.summary["export"]
    assert summary["verified"] is True
    assert summary["reported"] == summary["new"] == summary["records"] == voice["total"]
    assert summary["with_audio"] == voice["with_audio"]
    assert summary["no_audio"] == voice["total"] - voice["with_audio"]
    assert summary["audio_pending"] == summary["audio_bad"] == 0


def test_no_audio_exports_transcripts_only(mock, vw):
    """--no-audio is for a quick transcript copy: no audio is fetched, and the summary says
    how many recordings still lack theirs (so nobody mistakes it for a full export)."""
    voice = mock.state()["histories"]["voice"]
    done = vw("export", "--no-audio", "--json")
    assert done.code == 0, done.result.err

    records = done.records()
    assert len(records) == voice["total"]
    assert all(r["audio"] is None for r in records)
    audio_dir = done.archive() / "audio"
    assert not audio_dir.exists() or not any(audio_dir.iterdir())
    assert _audio_requests(mock) == 0

    summary = done.summary["export"]
    assert summary["audio_fetched"] == 0
    assert summary["audio_pending"] == sum(1 for r in records if r["utterance_id"]) > 0
    assert done.manifest()["histories"]["voice"]["audio_wanted"] is False


def test_since_until_exports_only_those_days(mock, vw, tmp_path):
    """A range export holds exactly the records of those local days (whole days, as the
    page's date pickers mean them), with only their audio."""
    everything = vw("export", "--json", "--no-screenshots")
    assert everything.code == 0, everything.result.err
    records = everything.records()
    days = sorted({_local_day(r) for r in records})
    since, until = days[len(days) // 4], days[len(days) // 2]
    expected = {r["record_key"] for r in records if since <= _local_day(r) <= until}
    assert 0 < len(expected) < len(records)

    other = tmp_path / "ranged"
    ranged = vw(
        "export", "--out", str(other), "--since", str(since), "--until", str(until), "--json"
    )
    ranged = dataclasses.replace(ranged, out=other)  # the last --out is the one used
    assert ranged.code == 0, ranged.result.err
    got = ranged.records()
    assert {r["record_key"] for r in got} == expected
    assert len(got) == len(expected)
    _check_audio(ranged, got)
    (listed,) = ranged.manifest()["histories"]["voice"]["ranges"]
    assert listed["reported"] == listed["written"] == len(expected)
    summary = ranged.summary["export"]
    assert summary["verified"] is True
    assert summary["reported"] == summary["records"] == len(expected)


def test_second_export_adds_nothing(mock, vw):
    """Running export again (a nightly job) must neither duplicate records nor download the
    audio it already holds."""
    first = vw("export", "--json")
    assert first.code == 0, first.result.err
    fetched_first = _audio_requests(mock)
    before = (first.archive() / "voice-history.jsonl").read_bytes()

    again = vw("export", "--json")
    assert again.code == 0, again.result.err
    summary = again.summary["export"]
    assert summary["new"] == 0
    assert summary["audio_fetched"] == 0
    assert summary["audio_adopted"] == 0
    assert summary["verified"] is True
    assert _audio_requests(mock) == fetched_first

    records = again.records()
    total = mock.state()["histories"]["voice"]["total"]
    assert len(records) == len({r["record_key"] for r in records}) == total
    assert (again.archive() / "voice-history.jsonl").read_bytes() == before
    _check_audio(again, records)


def test_export_resumes_after_a_kill(mock, vw, out, tmp_path):
    """A long export killed part-way (a reboot, an OOM kill) must resume: the audio already
    saved is adopted, not fetched again; nothing is duplicated, no temporary file stays."""
    mock.reset(recordings=200, latency_ms=30)
    voice = mock.state()["histories"]["voice"]
    archive = out / "amazon.com" / ACCOUNT
    audio_dir = archive / "audio"
    run = Voicewipe(
        ["export", "--site", mock.url, "--out", str(out), "--json"],
        state=tmp_path / "state",
        log=tmp_path / "killed-export.err",
    )
    try:
        deadline = time.monotonic() + 60
        seen = 0
        while time.monotonic() < deadline:
            run.watch()
            assert run.proc.poll() is None, f"export ended before the kill: {run.err}"
            seen = len(list(audio_dir.glob("*.wav"))) if audio_dir.is_dir() else 0
            if seen >= 20:
                break
            time.sleep(0.02)
        assert seen >= 20, f"no audio within 60 s: {run.err}"
        code = run.kill()
    finally:
        run.end()
    assert code == -signal.SIGKILL

    killed = archive.joinpath("voice-history.jsonl").read_text(encoding="utf-8").splitlines()
    settled = sum(1 for line in killed if json.loads(line)["has_audio"] is not None)
    assert len(list(audio_dir.glob("*.wav"))) < voice["with_audio"], "killed too late"

    mock.configure(latency_ms=0)
    requests_before = _settled_audio_requests(mock)
    again = vw("export", "--json")
    assert again.code == 0, again.result.err
    records = again.records()
    assert len(records) == len({r["record_key"] for r in records}) == voice["total"]
    assert sum(1 for r in records if r["audio"]) == voice["with_audio"]
    _check_audio(again, records)
    assert not list(archive.rglob(".*.tmp"))

    summary = again.summary["export"]
    assert summary["verified"] is True
    # The killed run had listed some or all (the listing and the downloads go side by side):
    # what its history file holds is not new.
    assert summary["new"] == voice["total"] - len(killed)
    assert summary["audio_adopted"] >= seen - settled
    assert summary["audio_adopted"] + summary["audio_fetched"] == voice["total"] - settled
    assert summary["audio_fetched"] > 0
    # Only what was missing was downloaded again.
    assert _audio_requests(mock) - requests_before == summary["audio_fetched"]


def test_damaged_manifest_stops_export(mock, vw, out):
    """A manifest that is not JSON must not be trusted or overwritten: exit 2 and one line
    that names the file, so the person can move it aside."""
    archive = out / "amazon.com" / ACCOUNT
    archive.mkdir(parents=True)
    manifest = archive / "manifest.json"
    manifest.write_bytes(b"\x00{garbage")
    done = vw("export", "--json")
    assert done.code == 2
    lines = done.result.err.strip().splitlines()
    assert len(lines) == 1, done.result.err
    assert str(manifest) in lines[0]
    assert "Traceback" not in done.result.err
    assert manifest.read_bytes() == b"\x00{garbage"
    assert not (archive / "voice-history.jsonl").exists()


def test_a_start_in_the_future_is_a_usage_error(mock, vw):
    """Nothing can have been recorded after today: say so, before any browser starts."""
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    done = vw("export", "--since", tomorrow)
    assert done.code == 2
    assert done.result.err.strip().splitlines()[-1] == (
        f"voicewipe: --since {tomorrow} is in the future"
    )
    assert not (done.out / "runs").exists()
