"""What the viewer, the CSV and the text file are made from, without a browser: the folder read
from disk (exported and deleted times, damaged lines skipped and said), the data embedded so
that no transcript can end its element, the CSV and text files read back to the records on
disk, and `voicewipe open` and `--format` as a person meets them."""

from __future__ import annotations

import codecs
import json
import os
from pathlib import Path

import pytest
from viewer_data import Special, make_export, write_deletions
from viewer_pages import every_record, history_lines, read_csv

from clirun import run_cli
from voicewipe.viewer import VIEWER_FILE, write_formats, write_viewer
from voicewipe.viewer.formats import CSV_COLUMNS
from voicewipe.viewer.page import embedded_json
from voicewipe.viewer.records import read_export

pytestmark = pytest.mark.unit

AWKWARD = (
    Special(
        '=HYPERLINK("http://x.example","click")',
        reply="+1 for that",
        timestamp_ms=1_650_000_000_000,
    ),
    Special('-2 degrees, "quoted", and commas', reply="@everyone", timestamp_ms=1_650_000_001_000),
    Special(
        "two\nlines\r\nand a third",
        reply="日本語の返事",
        speaker=None,
        timestamp_ms=1_650_000_002_000,
    ),
    Special(
        "Doorbell pressed",
        history="smart-home",
        device="=cmd|' /C calc'!A0",
        speaker=None,
        timestamp_ms=1_650_000_003_000,
    ),
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return make_export(tmp_path / "out" / "amazon.com" / "demo@example.com", 30, specials=AWKWARD)


def _set_ranges(root: Path, history: str, ranges: list[dict[str, object]]) -> None:
    manifest = json.loads((root / "manifest.json").read_text())
    manifest["histories"][history]["ranges"] = ranges
    (root / "manifest.json").write_text(json.dumps(manifest))


def test_a_record_is_exported_at_the_earliest_listing_that_covers_it(folder):
    times = [r["timestamp_ms"] for r in history_lines(folder)["voice"]]
    middle = times[len(times) // 2]
    _set_ranges(
        folder,
        "voice",
        [
            {"start_ms": 0, "end_ms": middle, "listed_at": "2026-12-03T00:00:00Z"},
            {"start_ms": 0, "end_ms": middle - 1, "listed_at": "2026-12-01T00:00:00Z"},
            {"start_ms": middle + 1, "end_ms": times[-2], "listed_at": "2026-12-02T00:00:00Z"},
            {"start_ms": "damaged", "listed_at": "2026-11-01T00:00:00Z"},
        ],
    )
    shown = {
        r.timestamp_ms: r.exported for r in read_export(folder).recordings if r.history == "voice"
    }
    for ms in times:
        want = (
            "2026-12-01T00:00:00Z"
            if ms < middle
            else "2026-12-03T00:00:00Z"
            if ms == middle
            else "2026-12-02T00:00:00Z"
            if ms <= times[-2]
            else ""
        )
        assert shown[ms] == want, ms


def test_deletions_and_damaged_lines_are_read_what_can_be_and_said(folder):
    voice = history_lines(folder)["voice"]
    write_deletions(
        folder,
        [
            {
                "history": "voice",
                "record_key": voice[0]["record_key"],
                "deleted_at": "2026-12-02T07:57:40Z",
                "run": "r1",
            },
            {
                "history": "voice",
                "record_key": voice[0]["record_key"],
                "deleted_at": "2026-12-09T00:00:00Z",
                "run": "r2",
            },
            {
                "history": "sounds",
                "record_key": voice[1]["record_key"],
                "deleted_at": "2026-12-02T07:57:41Z",
                "run": "r1",
            },
            '{"history": "voice", "record_key": "cut off',
        ],
    )
    with (folder / "voice-history.jsonl").open("a") as lines:
        lines.write('{"record_key": "half a line\n')
    read = read_export(folder)
    deleted = {r.key: r.deleted for r in read.recordings if r.deleted}
    assert deleted == {voice[0]["record_key"]: "2026-12-02T07:57:40Z"}  # the first said
    assert read.notes == [
        "deletions.jsonl: 1 damaged line(s) skipped",
        "voice-history.jsonl line 34 is not a whole record: skipped",
        "deletions.jsonl names 1 deleted recording(s) this export does not hold "
        "(deleted with --no-export, or never listed)",
    ]
    assert [(h.name, h.records, h.manifest_records) for h in read.histories] == [
        ("voice", 33, 33),
        ("smart-home", 1, 1),
    ]


def test_no_transcript_can_end_the_element_its_data_is_in():
    value = {"x": ["</script><script>alert(1)</script>", "<!-- a -->", "ok"]}
    embedded = embedded_json(value)
    assert b"<" not in embedded and json.loads(embedded) == value


def test_the_viewer_holds_no_raw_record(folder):
    page = write_viewer(folder).read_text(encoding="utf-8")
    assert '"recordKey"' not in page and "A2VW1PEDEMO7Q3#" not in page  # raw and keys stay out
    assert '<script type="application/json" id="data">' in page


def test_the_csv_reads_back_to_the_records_on_disk(folder):
    (path,) = write_formats(folder, ["csv"])
    assert path.read_bytes().startswith(codecs.BOM_UTF8)
    got = read_csv(path)
    assert list(got[0]) == list(CSV_COLUMNS)
    records = sorted(every_record(folder), key=lambda r: r["timestamp_ms"])
    assert len(got) == len(records) == 34
    for row, record in zip(got, records, strict=True):
        assert row["history"] == record["_history"] and row["time (UTC)"] == record["timestamp"]
        for column, value in (
            ("device", record["device"]),
            ("speaker", record["profile"]),
            ("transcript", record["transcript"]),
            ("reply", record["response"]),
        ):
            value = value or ""
            assert row[column] == ("'" + value if value.startswith(FORMULA_START) else value)
        assert row["audio file"] == (f"audio/{record['audio']}" if record["audio"] else "")
        assert row["exported"] == "2026-12-02T07:50:00Z" and row["deleted from Amazon"] == ""
    said = {row["transcript"] for row in got} | {row["device"] for row in got}
    assert {'\'=HYPERLINK("http://x.example","click")', "'=cmd|' /C calc'!A0"} <= said


def test_the_text_file_reads_back_to_the_records_on_disk(folder):
    (path,) = write_formats(folder, ["text"])
    blocks = path.read_text(encoding="utf-8").split("\n\n")[1:]
    records = sorted(every_record(folder), key=lambda r: r["timestamp_ms"])
    assert len(blocks) == len(records)
    for block, record in zip(blocks, records, strict=True):
        head, *lines = block.split("\n")
        assert head.startswith(f"{record['timestamp']}  [{record['_history']}]")
        said = [line.removeprefix("  said:  ") for line in lines[:1]]
        said += [line[9:] for line in lines[1:] if line.startswith(" " * 9)]
        assert "\n".join(said) == record["transcript"].replace("\r\n", "\n")
        reply = [line.removeprefix("  reply: ") for line in lines if line.startswith("  reply: ")]
        assert reply == ([record["response"]] if record["response"] else [])


def test_open_with_no_export_is_one_line(tmp_path):
    result = run_cli("open", "--out", str(tmp_path))
    assert result.code == 2
    assert result.err == f"voicewipe: no export under {tmp_path}; run `voicewipe export` first\n"
    elsewhere = run_cli("open", str(tmp_path))
    assert elsewhere.err == (
        f"voicewipe: {tmp_path}: no export there (no manifest.json; is it an account folder?)\n"
    )


def test_open_writes_a_missing_viewer_and_the_formats_asked(folder, monkeypatch):
    monkeypatch.setenv("BROWSER", "true")  # a browser that opens nothing, and says it did
    out = folder.parent.parent
    result = run_cli("open", "--out", str(out), "--format", "csv")
    assert result.code == 0, result.err
    viewer = folder / VIEWER_FILE
    assert result.out.splitlines() == [
        str((folder / "recordings.csv").resolve()),
        str(viewer.resolve()),
    ]
    made = viewer.stat().st_mtime_ns
    assert run_cli("open", str(folder), "--no-browser").code == 0
    assert viewer.stat().st_mtime_ns == made  # up to date: left as it was
    os.utime(folder / "manifest.json", ns=(made + 10**9, made + 10**9))
    assert run_cli("open", str(folder), "--no-browser").code == 0
    assert viewer.stat().st_mtime_ns > made  # older than what it shows: written again


def test_an_unknown_format_is_one_line(tmp_path):
    result = run_cli("export", "--format", "csv,pdf", "--out", str(tmp_path))
    assert result.code == 2
    assert result.err.startswith(
        "voicewipe: export: argument --format: 'csv,pdf': the formats "
        "are json, csv, text (comma-separated)"
    )
    assert result.err.count("\n") == 1


def test_a_manifest_of_the_wrong_shape_still_shows_the_history_files(folder):
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["histories"] = {"voice": ["not", "a", "section"], "../../elsewhere": {}}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    read = read_export(folder)
    assert [(h.name, h.records, h.manifest_records) for h in read.histories] == [
        ("smart-home", 1, None),
        ("voice", 33, None),
    ]
    assert {r.exported for r in read.recordings} == {""}  # no listing vouches for them


def test_open_of_a_damaged_manifest_is_one_line(folder):
    (folder / "manifest.json").write_text("{not json")
    result = run_cli("open", str(folder), "--no-browser")
    assert result.code == 2
    assert result.err.startswith(f"voicewipe: {folder / 'manifest.json'} is damaged (")
    assert result.err.count("\n") == 1
