"""The export viewer (index.html) in a real headless Chromium, from file://, on an export folder
made on disk: what it shows is what the files hold, its search and filters narrow to exactly the
records the history files say, its audio plays, a transcript is text and never markup, and
nothing is asked of any network."""

from __future__ import annotations

import json
import wave
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from viewer_data import Special, make_export, write_deletions
from viewer_pages import LAUNCH_ARGS, every_record, history_lines, rows, shown_count

from voicewipe.viewer import write_viewer

pytestmark = pytest.mark.engine

ATTACK = '</script><img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
SPECIALS = (
    Special(ATTACK, reply="<b>bold</b> & more", timestamp_ms=1_700_000_000_000),
    Special(
        "a transcript\nover two lines",
        device="Garage Echo",
        speaker="Robin",
        timestamp_ms=1_700_000_100_000,
    ),
    Special(
        "Glass break detected",
        history="sounds",
        speaker=None,
        device="Bedroom Echo",
        timestamp_ms=1_690_000_000_000,
    ),
)
DELETED_AT = "2026-12-02T07:57:40Z"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_export(
        tmp_path_factory.mktemp("export") / "demo@example.com", 100, audio=2, specials=SPECIALS
    )
    voice = history_lines(root)["voice"]
    deleted = [
        {
            "history": "voice",
            "record_key": r["record_key"],
            "deleted_at": DELETED_AT,
            "run": "20261202T075700Z-delete",
        }
        for r in voice[:10]
    ]
    write_deletions(root, [*deleted, '{"history": "voice", "record_key": "cut', "not json"])
    write_viewer(root)
    return root


@pytest.fixture(scope="module")
def requests_made() -> list[str]:
    return []


@pytest.fixture(scope="module")
def viewer(
    browser_type: Any,
    browser_type_launch_args: dict[str, Any],
    folder: Path,
    requests_made: list[str],
) -> Iterator[Any]:
    """The viewer open in a tall window (every row of 100 in view), every request noted."""
    args = [*browser_type_launch_args.get("args", []), *LAUNCH_ARGS]
    browser = browser_type.launch(**{**browser_type_launch_args, "args": args})
    page = browser.new_page(
        viewport={"width": 1280, "height": 9000}, timezone_id="UTC", locale="en-US"
    )
    page.on("request", lambda request: requests_made.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto((folder / "index.html").as_uri())
    page.wait_for_selector(".row")
    yield page
    browser.close()
    assert not errors, errors


@pytest.fixture
def page(viewer: Any) -> Any:
    """The viewer with every filter cleared."""
    viewer.click("#clear")
    return viewer


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds")[:23] + "Z"


def _times(page: Any) -> list[str]:
    return sorted(row["time"] for row in rows(page))


def _expected(folder: Path, keep: Any) -> list[str]:
    return sorted(_iso(r["timestamp_ms"]) for r in every_record(folder) if keep(r))


def test_the_counts_shown_are_the_lines_on_disk(page, folder):
    on_disk = history_lines(folder)
    for name, found in on_disk.items():
        assert page.text_content(f'#counts [data-history="{name}"] .n') == str(len(found))
    total = sum(len(found) for found in on_disk.values())
    assert shown_count(page) == total == len(rows(page)) == 103
    assert "deletions.jsonl: 2 damaged line(s) skipped" in page.text_content("#notes")


def test_every_record_is_shown_with_its_words_and_times(page, folder):
    shown = {row["time"] + row["said"]: row for row in rows(page)}
    for record in every_record(folder):
        row = shown[_iso(record["timestamp_ms"]) + (record["transcript"] or "")]
        assert row["reply"] == (record["response"] or "")
        assert row["who"] == " · ".join(p for p in (record["device"], record["profile"]) if p)
        assert row["exported"] == "2026-12-02T07:50:00Z"  # the listing that covers it


def _says(record: dict[str, Any], term: str) -> bool:
    said = (record["transcript"] or "") + "\n" + (record["response"] or "")
    return term.lower() in said.lower()


def test_a_search_narrows_to_exactly_the_records_that_say_it(page, folder):
    for term in ("joke", "SEATTLE", "over two"):
        page.fill("#search", term)
        want = _expected(folder, lambda r, term=term: _says(r, term))
        assert want and _times(page) == want, term
        assert shown_count(page) == len(want)


def test_each_filter_narrows_to_exactly_its_records(page, folder):
    page.select_option("#history", label="Sounds (1)")
    assert _times(page) == _expected(folder, lambda r: r["_history"] == "sounds")
    page.click("#clear")
    page.select_option("#device", label="Garage Echo (1)")
    assert [row["said"] for row in rows(page)] == ["a transcript\nover two lines"]
    page.click("#clear")
    jamie = page.eval_on_selector(
        "#speaker", "s => [...s.options].find(o => o.text.startsWith('Jamie')).value"
    )
    page.select_option("#speaker", jamie)
    assert _times(page) == _expected(folder, lambda r: r["profile"] == "Jamie")
    page.click("#clear")
    page.fill("#from", "2023-03-01")
    page.fill("#to", "2023-06-30")  # whole days, in the page's time zone (UTC here)
    in_range = _expected(folder, lambda r: "2023-03-01" <= r["timestamp"][:10] <= "2023-06-30")
    assert in_range and _times(page) == in_range


def test_a_month_of_the_timeline_shows_that_month_alone(page, folder):
    bar = page.locator('#timeline button[data-month="2023-11"]')
    want = _expected(folder, lambda r: r["timestamp"].startswith("2023-11"))
    assert bar.get_attribute("data-count") == str(len(want))
    bar.click()
    assert _times(page) == want and bar.get_attribute("aria-pressed") == "true"
    bar.click()  # again: every month
    assert shown_count(page) == 103


def test_the_deleted_time_shows_for_the_records_the_ledger_names(page, folder):
    ledger = [
        json.loads(line)
        for line in (folder / "deletions.jsonl").read_text().splitlines()
        if line.startswith('{"history": "voice", "record_key": "A')
    ]
    keys = {entry["record_key"] for entry in ledger}
    deleted = _expected(folder, lambda r: r["record_key"] in keys)
    assert len(deleted) == 10
    shown = rows(page)
    assert sorted(row["time"] for row in shown if row["deleted"] == DELETED_AT) == deleted
    assert all(row["deleted"] in ("", DELETED_AT) for row in shown)


def test_a_transcript_that_is_markup_is_shown_as_text(page):
    page.fill("#search", "onerror")
    (row,) = rows(page)
    assert row["said"] == ATTACK and row["reply"] == "<b>bold</b> & more"
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("img").count() == 0 and page.locator(".row b").count() == 0


def test_a_recording_plays_in_the_page_for_as_long_as_its_file(page, folder):
    record = next(r for r in history_lines(folder)["voice"] if r["audio"])
    with wave.open(str(folder / "audio" / record["audio"])) as wav:
        seconds = wav.getnframes() / wav.getframerate()
    assert page.locator("audio").count() == 0  # none until a recording is played
    page.fill("#search", record["transcript"])
    page.locator(
        ".row", has=page.locator(f'time[datetime="{_iso(record["timestamp_ms"])}"]')
    ).locator("button.play").click()
    page.wait_for_function(
        "() => { const a = document.querySelector('audio');"
        " return a && (a.ended || a.currentTime > 0); }",
        timeout=10_000,
    )
    audio = page.locator("audio")
    assert audio.count() == 1
    assert audio.get_attribute("src") == f"audio/{record['audio']}"
    assert audio.evaluate("a => a.duration") == pytest.approx(seconds, abs=0.01)


def test_nothing_is_asked_of_any_network(viewer, requests_made):
    viewer.click("#clear")
    assert requests_made, "the page's own file, at least"
    assert all(url.startswith(("file://", "data:")) for url in requests_made), requests_made


def test_only_the_rows_in_view_are_in_the_page(browser_type, browser_type_launch_args, tmp_path):
    root = make_export(tmp_path / "demo@example.com", 3000)
    write_viewer(root)
    browser = browser_type.launch(**browser_type_launch_args)
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto((root / "index.html").as_uri())
        page.wait_for_selector(".row")
        assert shown_count(page) == 3000 and page.locator(".row").count() < 40
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        oldest = _iso(history_lines(root)["voice"][0]["timestamp_ms"])
        page.wait_for_selector(f'time[datetime="{oldest}"]')
        assert page.locator(".row").count() < 40
    finally:
        browser.close()
