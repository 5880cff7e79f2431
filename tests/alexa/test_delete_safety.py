"""The first promise, case by case: a recording is deleted only when the export on disk holds
it, checked then and there (its line whole in a history file that matches the manifest, its
audio hashed), and every count a delete prints is what the site listed. Each case is checked
where it happens: the mock's record keys for what was deleted, the files for what was kept."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from invariants import archive_of, check
from reportview import ledger, opened

from voicewipe.alexa.lock import folder_lock
from voicewipe.mock import MockConfig, MockSite

RECORDS_API = "/alexa-privacy/apd/rvh/customer-history-records-v2"
AUDIO_API = "/alexa-privacy/apd/rvh/audio"


def _export(vw, *args: str):
    done = vw("export", "--json", "--no-screenshots", *args)
    assert done.code == 0, done.result.err
    assert done.summary["export"]["verified"] is True
    return done


def _requests(mock, path: str) -> int:
    counts = mock.state()["requests"]["by_endpoint"]
    return sum(n for endpoint, n in counts.items() if path in endpoint)


def _deleted(mock) -> int:
    return int(mock.state()["histories"]["voice"]["deleted"])


def _history_file(out: Path) -> Path:
    return archive_of(out) / "voice-history.jsonl"


def _day(record: dict) -> str:
    return datetime.fromtimestamp(record["timestamp_ms"] / 1000).date().isoformat()


def test_a_dropped_line_refuses_the_delete_until_an_export_mends_it(mock, vw, out):
    """One line gone from voice-history.jsonl (a hand edit, a bad restore): its recording is
    in no export, and nothing says which. The delete refuses (exit 4) and deletes nothing; an
    export lists the site afresh and mends the file, and then the delete goes ahead."""
    _export(vw)
    lines = _history_file(out).read_text(encoding="utf-8").splitlines(keepends=True)
    dropped = json.loads(lines[2])
    _history_file(out).write_text("".join(lines[:2] + lines[3:]), encoding="utf-8")
    day = _day(dropped)

    done = vw("delete", "--since", day, "--until", day, "--yes")
    assert done.code == 4, done.result.err
    assert (
        "voice-history.jsonl cannot be trusted (it has 39 records where the manifest says 40); "
        "nothing was deleted. Run `voicewipe export` again first"
    ) in done.result.err
    assert _deleted(mock) == 0

    mended = _export(vw)
    assert mended.summary["export"]["mended"] == "it has 39 records where the manifest says 40"
    assert dropped["record_key"] in {r["record_key"] for r in mended.records()}
    done = vw("delete", "--since", day, "--until", day, "--yes", "--json")
    assert done.code == 0, done.result.err
    assert done.summary["delete"]["deleted"] == _deleted(mock) > 0
    check(mock, out)


def test_a_line_cut_off_refuses_the_delete(mock, vw, out):
    _export(vw)
    text = _history_file(out).read_text(encoding="utf-8")
    _history_file(out).write_text(text[: len(text) - 40], encoding="utf-8")
    done = vw("delete", "--all", "--yes")
    assert done.code == 4, done.result.err
    assert "cannot be trusted (its last line is cut off)" in done.result.err
    assert _deleted(mock) == 0


def test_a_late_arrival_is_listed_and_refused(mock, vw, out, browser):
    """A recording said three days before the newest one that reaches the history after the
    export (a device that was offline) is in what the check lists: refused, nothing deleted;
    and the report opens with that, in Chromium, and has no deletion to chart."""
    _export(vw)
    (late,) = mock.arrive(1, late_s=3 * 24 * 3600)
    done = vw("delete", "--all", "--yes")
    assert done.code == 4, done.result.err
    assert "1 of the 41 recordings to delete are not in a verified export" in done.result.err
    assert _deleted(mock) == 0
    assert late in mock.keys()["present"]
    with opened(browser, done.run_folders[-1]) as page:
        said = page.locator("#sentence").inner_text()
        assert said.startswith(
            "Refused for safety, nothing was deleted: 1 of the 41 recordings to delete are not "
            "in a verified export ("
        ), said
        assert said.endswith("run `voicewipe export` for this range first (or give --no-export "
                             "to delete without one).")  # fmt: skip
        checked = page.locator("#phase-check").inner_text()
        assert "stopped before the click, nothing deleted" in checked
        assert page.locator("#deleted-chart").count() == 0
    assert ledger(archive_of(out)) == []


def test_audio_damaged_in_place_with_its_time_restored_is_refused(mock, vw, out):
    """The same size, the same modification time, other bytes: every audio file of the range
    is hashed before the delete, so this recording is not safe and the delete refuses."""
    _export(vw)
    audio = sorted((archive_of(out) / "audio").iterdir())[0]
    before = audio.stat()
    data = bytearray(audio.read_bytes())
    data[-1] ^= 0xFF
    audio.write_bytes(bytes(data))
    os.utime(audio, ns=(before.st_atime_ns, before.st_mtime_ns))

    done = vw("delete", "--all", "--yes")
    assert done.code == 4, done.result.err
    assert "1 of the 40 recordings to delete are not in a verified export" in done.result.err
    assert _deleted(mock) == 0


def test_counts_are_the_site_s_after_earlier_deletes_and_new_arrivals(mock, vw, out):
    """A wipe, then five new recordings, then a wipe: the second says it exported five new
    ones and deleted five of five, as the mock shows; recordings deleted elsewhere (in the
    app) between two runs are not counted again either."""
    first = vw("wipe", "--yes", "--json", "--no-screenshots")
    assert first.code == 0, first.result.err
    assert first.summary["delete"]["deleted"] == first.summary["delete"]["matched"] == 40
    assert _deleted(mock) == 40

    mock.arrive(5)
    second = vw("wipe", "--yes", "--json", "--no-screenshots")
    assert second.code == 0, second.result.err
    assert second.summary["export"]["new"] == 5
    assert second.summary["delete"]["matched"] == second.summary["delete"]["deleted"] == 5
    assert second.summary["auto_delete"]["deleted_by_setting"] == 0
    assert _deleted(mock) == 45
    check(mock, out)

    mock.arrive(6)
    _export(vw)
    elsewhere = vw("delete", "--all", "--no-export", "--yes", "--json", "--no-screenshots")
    assert elsewhere.summary["delete"]["deleted"] == 6
    third = vw("delete", "--all", "--yes", "--json", "--no-screenshots")
    assert third.code == 0, third.result.err
    assert third.summary["delete"]["matched"] == third.summary["delete"]["deleted"] == 0
    assert _deleted(mock) == 51


def test_a_recording_deleted_unchecked_is_reported_in_red_and_fails(mock, vw, out):
    """One recording reaches the history between the check and the click (the mock makes it
    arrive as the bulk deletion is asked for) and the page deletes it with the others: the
    read-back cannot see it, but the page says how many it deleted. The summary names the
    difference and the exit code is 1."""
    mock.reset(recordings=40, arrive_on_delete=1, deletion_delay_s=0)
    _export(vw)
    done = vw("delete", "--all", "--yes", "--json")
    assert done.code == 1, done.result.err
    part = done.summary["delete"]
    assert part["matched"] == part["deleted"] == 40
    assert part["site_deleted"] == 41
    assert part["unchecked_deleted"] == 1
    assert part["verified"] is False
    assert (
        "the site says it deleted 41 recordings, 1 more than the 40 the check had listed"
        in done.result.err
    )
    exported = {r["record_key"] for r in done.records()}
    unexported = set(mock.keys()["deleted"]) - exported
    assert len(unexported) == 1  # the arrival, and nothing else


def test_the_summary_warns_about_an_unchecked_deletion(mock, vw, out):
    mock.reset(recordings=10, arrive_on_delete=2, deletion_delay_s=0)
    _export(vw)
    done = vw("delete", "--all", "--yes", "--no-screenshots")
    assert done.code == 1
    assert "Deleted: 10 of 10 recordings" in done.result.out
    assert (
        "WARNING: the site says it deleted 12: 2 recording(s) that no check listed went with "
        "them (they reached the history between the check and the click) and are in no export"
    ) in done.result.out


def test_a_second_run_into_the_same_folder_is_refused(mock, vw, out):
    """Two runs writing one export folder would each write a history file without the
    other's records: the second is refused (exit 4) before it reads the export."""
    with folder_lock(archive_of(out), "export"):
        done = vw("export")
    assert done.code == 4, done.result.err
    assert "is writing the export in" in done.result.err
    assert _requests(mock, RECORDS_API) == 0


def test_another_site_s_export_never_merges_into_a_folder(mock, vw, out):
    """A folder holds one site's export: another mock's records are refused (exit 4), and a
    delete against it finds nothing that folder vouches for."""
    _export(vw)
    with MockSite(MockConfig(recordings=5)) as other:
        for command in (["export"], ["delete", "--all", "--yes"]):
            done = vw(*command, "--site", other.url, site=False)
            assert done.code == 4, done.result.err
            assert f"holds the export of {mock.url}, not of {other.url}" in done.result.err
        assert other.state()["histories"]["voice"]["deleted"] == 0
    assert len(_history_file(out).read_text(encoding="utf-8").splitlines()) == 40


def test_each_mock_run_keeps_an_export_of_its_own(out, vw):
    """`--mock` starts a fresh mock: a wipe and an export into one folder, each reports its
    own numbers and leaves its export apart (the export does not find the wipe's)."""
    for command in (("wipe", "--yes"), ("export",)):
        done = vw(
            *command, "--mock", "--json", "--no-screenshots",
            "--mock-option", "recordings=20", site=False,
        )  # fmt: skip
        assert done.code == 0, done.result.err
        assert done.summary["export"]["records"] == done.summary["export"]["new"] == 20
        if command[0] == "wipe":
            assert done.summary["delete"]["deleted"] == done.summary["delete"]["matched"] == 20
    folders = sorted(p for p in out.iterdir() if p.name.startswith("mock-"))
    assert len(folders) == 2
    for folder in folders:
        lines = (folder / "demo@example.com" / "voice-history.jsonl").read_text("utf-8")
        assert len(lines.splitlines()) == 20


def test_the_export_and_the_run_folders_are_private(mock, vw, out):
    """Personal data: every folder 0700 and every file 0600, the browser's screenshots too."""
    done = vw("export", "--json")
    assert done.code == 0, done.result.err
    run = Path(done.summary["run_folder"])
    for top in (archive_of(out), run):
        for path in [top, *top.rglob("*")]:
            mode = path.stat().st_mode & 0o777
            assert mode == (0o700 if path.is_dir() else 0o600), f"{path} is {oct(mode)}"


def test_an_export_again_with_nothing_new_asks_for_no_audio(mock, vw, out):
    """The second export of an unchanged history is one listing and no audio request; the
    manifest records each listing."""
    mock.reset(recordings=200, page_size=10)
    _export(vw)
    listing, audio = _requests(mock, RECORDS_API), _requests(mock, AUDIO_API)
    again = _export(vw)
    assert again.summary["export"]["new"] == 0
    assert _requests(mock, AUDIO_API) == audio
    assert _requests(mock, RECORDS_API) - listing <= 20 + 20  # 20 pages, and the windows' ends
    ranges = again.manifest()["histories"]["voice"]["ranges"]
    assert [r["reported"] for r in ranges] == [200, 200]


# --- a person at the terminal ---------------------------------------------------------------
def _at_a_terminal(argv: list[str], typed: str) -> subprocess.CompletedProcess[str]:
    """voicewipe in a process of its own whose standard input is a terminal (a pty), with
    `typed` waiting there to be read."""
    master, slave = pty.openpty()
    try:
        os.write(master, typed.encode())
        return subprocess.run(
            [sys.executable, "-m", "voicewipe", *argv],
            stdin=slave,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    finally:
        os.close(slave)
        os.close(master)


def test_at_a_terminal_the_number_typed_goes_ahead(mock, out):
    """Without --yes, at a terminal: what would be deleted is said, and typing that number
    deletes it; anything else leaves the run a rehearsal."""
    argv = ["delete", "--all", "--site", mock.url, "--out", str(out), "--no-screenshots"]
    exported = subprocess.run(
        [sys.executable, "-m", "voicewipe", "export", "--site", mock.url, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert exported.returncode == 0, exported.stderr

    wrong = _at_a_terminal(argv, "4\n")
    assert wrong.returncode == 0, wrong.stderr
    assert (
        "40 recordings (all history, every device) will be deleted from Amazon, each of them "
        "checked in the export first."
    ) in wrong.stderr
    assert "Type 40 and Enter to go ahead" in wrong.stderr
    assert "REHEARSAL, nothing was deleted" in wrong.stdout
    assert _deleted(mock) == 0

    right = _at_a_terminal(argv, "40\n")
    assert right.returncode == 0, right.stderr
    assert "Deleted: 40 of 40 recordings" in right.stdout
    assert _deleted(mock) == 40
    check(mock, out)
