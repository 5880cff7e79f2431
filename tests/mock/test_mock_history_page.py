"""Review Voice History in a browser: filters, lazy loading, expand/play, per-entry and bulk
delete, each checked against the server's own state."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from playwright.sync_api import Page, expect

BOX = ".apd-content-box"
MESSAGE = ".full-width-message"
DAY = 86_400_000


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _range(name: str) -> tuple[int, int]:
    """What the page's filter means, computed as the page does (browser and server share
    the machine's timezone)."""
    now = datetime.now().astimezone()
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    t = _ms(now)
    return {
        "TODAY": (_ms(today), t),
        "YESTERDAY": (_ms(today - timedelta(days=1)), _ms(today) - 1),
        "LAST_7_DAYS": (t - 7 * DAY, t),
        "LAST_30_DAYS": (t - 30 * DAY, t),
        "ALL_HISTORY": (0, t),
    }[name]


def _expected(mock: Any, name: str, device: str | None = None) -> int:
    start, end = _range(name)
    store = mock.site.site.data.stores["voice"]
    ids = None if device is None else frozenset([device])
    return len(store.matching(start, end, ids))


def _choose(page: Page, value: str) -> None:
    menu = page.locator("#filter-menu")
    if menu.is_hidden():
        page.click("#filters-selected-bar > button")
    page.check(f".filter-by-date-menu input[value={value}]")


def _settled(page: Page) -> None:
    """Scroll until the list has loaded to its end."""
    message = page.locator(MESSAGE)
    expect(message).to_have_text(re.compile("Show more|End of list|No records found"))
    for _ in range(400):
        if message.inner_text() in ("End of list", "No records found"):
            return
        message.scroll_into_view_if_needed()
        page.wait_for_timeout(25)
    raise AssertionError("the list never reached its end")


def test_default_view_is_today_and_every_date_filter_matches_the_server(
    page: Page, mock: Any
) -> None:
    mock.sign_in(page)
    _settled(page)
    expect(page.locator("#filters-selected-bar")).to_contain_text("Today")
    assert page.locator(BOX).count() == _expected(mock, "TODAY") > 0
    labels = {
        "TODAY": "Today",
        "YESTERDAY": "Yesterday",
        "LAST_7_DAYS": "Last 7 days",
        "LAST_30_DAYS": "Last 30 days",
        "ALL_HISTORY": "All history",
    }
    rows = page.locator(".filter-by-date-menu .filter-row")
    page.click("#filters-selected-bar > button")
    expect(rows).to_have_text([*labels.values(), "Custom"])
    for value, label in labels.items():
        _choose(page, value)
        _settled(page)
        expect(page.locator("#filters-selected-bar")).to_contain_text(label)
        assert page.locator(BOX).count() == _expected(mock, value), value
    first_dates = page.locator(f"{BOX} .record-info .item.record-date").all_inner_texts()
    assert first_dates[0] == "Today"
    assert re.fullmatch(r"[A-Z][a-z]+ \d{1,2}, \d{4}", first_dates[-1])


def test_custom_range_and_a_bad_range(page: Page, mock: Any) -> None:
    mock.sign_in(page)
    _choose(page, "CUSTOM")
    expect(page.locator("#custom-date-range-filter")).to_be_visible()
    records = list(mock.site.site.data.stores["voice"])
    day = datetime.fromtimestamp(records[len(records) // 2].timestamp / 1000).date()
    page.fill("#date-start", day.isoformat())
    page.fill("#date-end", day.isoformat())
    _settled(page)
    start = _ms(datetime.combine(day, datetime.min.time()).astimezone())
    expected = len(mock.site.site.data.stores["voice"].matching(start, start + DAY - 1, None))
    assert page.locator(BOX).count() == expected > 0
    calls = mock.state()["requests"]["by_endpoint"]["POST " + mock.RECORDS]
    page.fill("#date-start", (day + timedelta(days=2)).isoformat())  # after the end
    expect(page.locator(".apd-custom-error")).to_be_visible()
    expect(page.locator("#delete-all-recordings-button")).to_be_disabled()
    assert mock.state()["requests"]["by_endpoint"]["POST " + mock.RECORDS] == calls


def test_device_filter(page: Page, mock: Any) -> None:
    mock.sign_in(page)
    _choose(page, "LAST_30_DAYS")
    device = mock.site.site.data.devices[1]
    page.check(f".filter-by-device-menu input[value='{device.entity_id}']")
    _settled(page)
    names = page.locator(f"{BOX} .device-name").all_inner_texts()
    assert names and set(names) == {device.name}
    assert len(names) == _expected(mock, "LAST_30_DAYS", device.entity_id)
    expect(page.locator("#filters-selected-bar")).to_contain_text(device.name)


def test_lazy_loading_reaches_the_end_of_a_long_list(page: Page, mock: Any) -> None:
    mock.site.reset(recordings=1200)
    mock.sign_in(page)
    _choose(page, "ALL_HISTORY")
    expect(page.locator(MESSAGE)).to_have_text("Show more")
    assert page.locator(BOX).count() < 1200  # not everything at once
    while page.locator(MESSAGE).inner_text() != "End of list":
        page.mouse.wheel(0, 20000)
        page.wait_for_timeout(30)
    keys = page.locator(BOX).evaluate_all("boxes => boxes.map(b => b.dataset.recordKey)")
    assert len(keys) == len(set(keys)) == 1200
    stamps = page.locator(BOX).evaluate_all("boxes => boxes.map(b => Number(b.dataset.timestamp))")
    assert stamps == sorted(stamps, reverse=True)


def test_no_records_found(page: Page, mock: Any) -> None:
    mock.site.reset(recordings=0)
    mock.sign_in(page)
    expect(page.locator(MESSAGE)).to_have_text("No records found")
    assert page.locator(BOX).count() == 0


def test_entry_shows_transcript_replacement_text_expand_and_play(page: Page, mock: Any) -> None:
    mock.sign_in(page)
    _choose(page, "LAST_30_DAYS")
    _settled(page)
    box = page.locator(BOX).first
    expect(box.locator(".device-name")).not_to_be_empty()
    expect(box.locator(".profile-name")).not_to_be_empty()
    expect(box.locator(".record-details")).to_be_hidden()
    box.locator("button.apd-expand-toggle-button").click()
    expect(box.locator(".record-details")).to_be_visible()
    expect(box.locator("button.apd-expand-toggle-button")).to_have_attribute(
        "aria-expanded", "true"
    )
    # Play: the page fetches the audio endpoint.
    with page.expect_response(lambda r: "/rvh/audio?uid=" in r.url) as answer:
        box.locator(".play-audio-button").click()
    record = mock.site.site.data.stores["voice"].get(box.get_attribute("data-record-key"))
    assert answer.value.status == (200 if record.has_audio else 404)
    # Replacement-text entries are shown as such.
    _choose(page, "ALL_HISTORY")
    _settled(page)
    replacement = page.locator(f"{BOX} .record-summary-preview.replacement-text")
    expect(replacement.first).to_have_text(
        re.compile(
            "No text stored|Audio was not intended for this device|Audio could not be understood"
        )
    )
    expect(page.locator(f"{BOX} .record-summary-preview.customer-transcript").first).to_have_text(
        re.compile("^“.+”$")
    )


def test_per_entry_delete(page: Page, mock: Any) -> None:
    mock.sign_in(page)
    _settled(page)
    before = mock.state()["recordings"]
    box = page.locator(BOX).first
    key = box.get_attribute("data-record-key")
    box.locator("button.record-delete-button").click()
    expect(page.locator(f'{BOX}[data-record-key="{key}"]')).to_have_count(0)
    expect(page.locator("#delete-result-message")).to_have_text("Recording deleted.")
    state = mock.state()
    assert state["recordings"] == before - 1
    assert state["histories"]["voice"]["deleted"] == 1
    assert mock.site.site.data.stores["voice"].get(key) is None


def test_bulk_delete_confirm_then_in_progress_then_gone(page: Page, mock: Any) -> None:
    mock.site.configure(deletion_delay_s=1.5)
    mock.sign_in(page)
    _choose(page, "LAST_7_DAYS")
    _settled(page)
    in_range = _expected(mock, "LAST_7_DAYS")
    total = mock.state()["recordings"]
    assert page.locator(BOX).count() == in_range > 0
    # Cancel changes nothing.
    page.click("#delete-all-recordings-button")
    dialog = page.locator("#delete-confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Last 7 days · All devices")
    page.click("#delete-cancel-button")
    expect(dialog).to_be_hidden()
    assert mock.state()["recordings"] == total
    # Confirm: marked as being deleted, the server still has them, then they are gone.
    page.click("#delete-all-recordings-button")
    page.click("#delete-confirm-button")
    expect(page.locator(f"{BOX}.record-deletion-in-progress")).to_have_count(in_range)
    expect(page.locator(f"{BOX} .record-status-label").first).to_have_text("Deleting…")
    state = mock.state()
    assert state["recordings"] == total
    assert state["histories"]["voice"]["pending_deletion"] == in_range
    assert state["deletions"][0]["status"] == "IN_PROGRESS"
    expect(page.locator(MESSAGE)).to_have_text("No records found", timeout=5000)
    expect(page.locator("#delete-result-message")).to_have_text(f"{in_range} recordings deleted.")
    state = mock.state()
    assert state["recordings"] == total - in_range
    assert state["histories"]["voice"]["pending_deletion"] == 0
    assert state["deletions"] == [
        {
            "id": state["deletions"][0]["id"],
            "kind": "voice",
            "requested": in_range,
            "deleted": in_range,
            "status": "COMPLETED",
        }
    ]
    # Older recordings are untouched.
    start, _ = _range("LAST_7_DAYS")
    assert len(mock.site.site.data.stores["voice"].matching(0, start - 1, None)) == total - in_range


def test_bulk_delete_of_one_device_only(page: Page, mock: Any) -> None:
    mock.sign_in(page)
    _choose(page, "ALL_HISTORY")
    device = mock.site.site.data.devices[0]
    page.check(f".filter-by-device-menu input[value='{device.entity_id}']")
    expect(page.locator("#filters-selected-bar")).to_contain_text(device.name)
    before = mock.state()["histories"]["voice"]["by_device"]
    page.click("#delete-all-recordings-button")
    expect(page.locator("#delete-confirm-dialog")).to_contain_text(f"All history · {device.name}")
    page.click("#delete-confirm-button")
    expect(page.locator("#delete-result-message")).to_contain_text(
        "recordings deleted.", timeout=5000
    )
    after = mock.state()["histories"]["voice"]["by_device"]
    assert device.name not in after
    assert after == {name: n for name, n in before.items() if name != device.name}


def test_detected_sounds_and_smart_home_pages_have_the_same_shape(page: Page, mock: Any) -> None:
    mock.sign_in(page, target="/alexa-privacy/apd/rdsh")
    expect(page.locator("h1")).to_have_text("Review Detected Sounds History")
    _choose(page, "ALL_HISTORY")
    _settled(page)
    sounds = mock.state()["histories"]["sounds"]["total"]
    assert page.locator(BOX).count() == sounds > 0
    expect(page.locator(f"{BOX} .customer-transcript").first).to_contain_text("detected")
    page.click("#delete-all-recordings-button")
    page.click("#delete-confirm-button")
    expect(page.locator(MESSAGE)).to_have_text("No records found", timeout=5000)
    state = mock.state()
    assert state["histories"]["sounds"]["total"] == 0
    assert state["recordings"] > 0  # voice history untouched
    page.goto("/alexa-privacy/apd/rshdh")
    expect(page.locator("h1")).to_have_text("Review Smart Home Devices History")
    _choose(page, "ALL_HISTORY")
    _settled(page)
    assert page.locator(BOX).count() == state["histories"]["smarthome"]["total"] > 0
