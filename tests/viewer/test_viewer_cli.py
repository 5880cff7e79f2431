"""The commands write the viewer: one real `voicewipe export --what all --format csv,text`
against the mock site (20 recordings, every history), whose index.html, recordings.csv and
transcripts.txt show what its history files hold; and a deletion ledger written afterwards is
in the viewer the next command writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from viewer_data import write_deletions
from viewer_pages import every_record, history_lines, read_csv, rows, shown_count

from clirun import Result, run_cli
from voicewipe.viewer import after_command

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    out = tmp_path_factory.mktemp("out")
    result = run_cli(
        "export",
        "--mock",
        "--what",
        "all",
        "--mock-option",
        "recordings=20",
        "--mock-option",
        "alexa_plus=true",
        "--format",
        "csv",
        "--format",
        "text",
        "--no-screenshots",
        "--json",
        "--out",
        str(out),
        timeout=180,
    )
    assert result.code == 0, result.err
    (folder,) = out.glob("mock-*/demo@example.com")
    return result, folder


def test_the_export_writes_the_viewer_and_says_where(exported):
    result, folder = exported
    assert json.loads(result.out)["viewer"] == str(folder / "index.html")
    assert {p.name for p in folder.iterdir()} >= {
        "index.html",
        "recordings.csv",
        "transcripts.txt",
        "voice-history.jsonl",
    }
    assert set(history_lines(folder)) == {"voice", "sounds", "smart-home", "alexa-plus"}


def _open(browser: Any, folder: Path) -> Any:
    page = browser.new_page(viewport={"width": 1280, "height": 4000}, timezone_id="UTC")
    page.goto((folder / "index.html").as_uri())
    page.wait_for_selector(".row")
    return page


def test_the_viewer_shows_every_record_on_disk(exported, browser):
    _, folder = exported
    page = _open(browser, folder)
    on_disk = history_lines(folder)
    for name, found in on_disk.items():
        assert page.text_content(f'#counts [data-history="{name}"] .n') == str(len(found))
    assert shown_count(page) == len(rows(page)) == sum(map(len, on_disk.values()))
    histories = json.loads((folder / "manifest.json").read_text())["histories"]
    listings = {r["listed_at"] for part in histories.values() for r in part["ranges"]}
    assert {row["exported"] for row in rows(page)} <= listings  # each from a listing's time


def test_the_csv_and_the_text_hold_every_record_on_disk(exported):
    _, folder = exported
    records = sorted(every_record(folder), key=lambda r: r["timestamp_ms"])
    got = read_csv(folder / "recordings.csv")
    assert sorted((r["history"], r["time (UTC)"], r["transcript"]) for r in got) == sorted(
        (r["_history"], r["timestamp"], r["transcript"] or r["replacement_text"] or "")
        for r in records
    )
    with_audio = {r["audio file"] for r in got if r["audio file"]}
    assert with_audio == {f"audio/{r['audio']}" for r in records if r["audio"]}
    assert all((folder / name).is_file() for name in with_audio)
    text = (folder / "transcripts.txt").read_text(encoding="utf-8")
    assert text.count("\n\n") == len(records)


def test_a_deletion_ledger_is_in_the_viewer_written_next(exported, browser):
    _, folder = exported
    voice = history_lines(folder)["voice"]
    write_deletions(
        folder,
        [
            {
                "history": "voice",
                "record_key": r["record_key"],
                "deleted_at": "2026-12-02T07:57:40Z",
                "run": "x-delete",
            }
            for r in voice[:5]
        ],
    )
    after_command(folder)  # as a delete ends: after its ledger is written
    page = _open(browser, folder)
    gone = sorted(row["time"] for row in rows(page) if row["deleted"])
    assert gone == sorted(r["timestamp"] for r in voice[:5])
    csv_gone = [r for r in read_csv(folder / "recordings.csv") if r["deleted from Amazon"]]
    assert len(csv_gone) == 5  # the CSV written once stays current too
