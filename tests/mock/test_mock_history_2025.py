"""Review Voice History as the 2025 page (dom=2025), in a browser: its classes, the styled date
options, per-entry delete banners, lazy loading on scroll, and the "selected" bulk wording,
each checked against the server's own state."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.engine

BOX = "div.apd-content-box.with-activity-page"


def _settled(page: Page) -> None:
    message = page.locator(".full-width-message")
    for _ in range(400):
        if message.inner_text() in ("End of list", "No records found"):
            return
        message.scroll_into_view_if_needed()
        page.wait_for_timeout(25)
    raise AssertionError("the list never reached its end")


def test_the_2025_page(page: Page, mock: Any) -> None:
    mock.site.reset(dom="2025", page_size=10, recordings=60)
    mock.sign_in(page)
    page.click("#filters-selected-bar > button")
    options = page.locator(
        "#filter-menu > div.expanded-filter-menu > .filter-by-date-menu .filter-options-list > div"
    )
    expect(options).to_have_text(
        ["Today", "Yesterday", "Last 7 days", "Last 30 days", "All history", "Custom"]
    )
    assert page.locator(".filter-by-date-menu input[type=radio]").count() == 0
    assert options.nth(4).locator("span.apd-radio-button").count() == 1
    options.nth(4).click()  # All history, as the 2025 scripts choose it (nth-child(5))
    expect(options.nth(4)).to_have_attribute("aria-checked", "true")
    _settled(page)  # lazy loading: 10 a page, on scroll
    assert page.locator(BOX).count() == mock.state()["recordings"] == 60
    first = page.locator(BOX).first
    info = first.locator("div.record-info.ellipsis-overflow.with-activity-page.expanded")
    assert re.fullmatch(
        r"Today|Yesterday|[A-Z][a-z]+ \d{1,2}, \d{4}",
        info.locator(":scope > *").nth(0).inner_text(),
    )
    expect(first.locator("div.profile-name.activity-level")).to_have_count(1)
    expand = first.locator(".apd-expand-toggle-button")
    expect(expand.locator("i.fa-chevron-down")).to_have_count(1)
    expand.click()
    expect(expand.locator("i.fa-chevron-up")).to_have_count(1)
    assert page.locator("#delete-all-recordings-button").count() == 0
    expect(
        page.get_by_role("button", name="Delete all of my recordings", exact=True)
    ).to_be_visible()
    key = first.get_attribute("data-record-key")
    first.locator(
        "div.record-delete-banner.clickable > "
        "button.button-clear.apd-icon-button-round.record-delete-button"
    ).click()
    expect(page.locator(f'[data-record-key="{key}"]')).to_have_count(0)
    assert key in mock.site.keys("voice")["deleted"]


def test_delete_selected_recordings(page: Page, mock: Any) -> None:
    mock.site.reset(bulk_delete_wording="selected", recordings=40, deletion_delay_s=0)
    mock.sign_in(page)
    page.click("#filters-selected-bar > button")
    page.check(".filter-by-date-menu input[value=ALL_HISTORY]")
    page.click("#filters-selected-bar > button")
    _settled(page)
    button = page.get_by_role("button", name="Delete Selected Recordings", exact=True)
    expect(button).to_be_disabled()
    picks = page.locator(".record-select-checkbox")
    keys = [
        picks.nth(i)
        .locator("xpath=ancestor::div[@data-record-key]")
        .get_attribute("data-record-key")
        for i in (0, 1)
    ]
    picks.nth(0).check()
    picks.nth(1).check()
    expect(button).to_be_enabled()
    button.click()
    page.click("#delete-confirm-button")
    expect(page.locator("#delete-result-message")).to_have_text("2 recordings deleted.")
    assert sorted(mock.site.keys("voice")["deleted"]) == sorted(keys)
    page.check("#select-all-recordings")
    button.click()
    page.click("#delete-confirm-button")
    expect(page.locator("#delete-result-message")).to_have_text("38 recordings deleted.")
    assert mock.state()["recordings"] == 0


@pytest.mark.parametrize(
    ("wording", "label"),
    [("all_recordings", "Alle Aufnahmen löschen"), ("selected", "Ausgewählte Aufnahmen löschen")],
)
def test_the_wordings_in_german(page: Page, mock: Any, wording: str, label: str) -> None:
    mock.site.reset(bulk_delete_wording=wording, locale="de-DE")
    mock.sign_in(page)
    expect(page.locator("#delete-all-recordings-button")).to_have_text(label)
