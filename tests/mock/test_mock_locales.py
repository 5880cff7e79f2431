"""Every locale renders the same structure with its own labels and date format; the drift
variant differs exactly where intended."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from voicewipe.mock.i18n import DRIFT_NAMES, NAMES

LOCALES = {
    # tag: (hub title, rvh title, "Today", delete-all for Today, old-date pattern)
    "en-US": (
        "Alexa Privacy",
        "Review Voice History",
        "Today",
        "Delete all of my recordings",
        r"[A-Z][a-z]+ \d{1,2}, \d{4}",
    ),
    "en-GB": (
        "Alexa Privacy",
        "Review Voice History",
        "Today",
        "Delete all of my recordings",
        r"\d{1,2} [A-Z][a-z]+ \d{4}",
    ),
    "de-DE": (
        "Alexa-Datenschutz",
        "Sprachaufnahmen-Verlauf überprüfen",
        "Heute",
        "Alle Aufnahmen von heute löschen",
        r"\d{1,2}\. [A-ZÄÖÜ][a-zäöü]+ \d{4}",
    ),
    "ja-JP": (
        "Alexaプライバシー",
        "音声履歴の確認",
        "今日",
        "今日の録音を全て削除",
        r"\d{4}年\d{1,2}月\d{1,2}日",
    ),
}


@pytest.mark.parametrize("tag", LOCALES)
def test_locale_renders(page: Page, mock: Any, tag: str) -> None:
    hub_title, rvh_title, today, delete_all, old_date = LOCALES[tag]
    mock.site.reset(locale=tag)
    mock.sign_in(page, target="/alexa-privacy/apd/home")
    expect(page.locator("html")).to_have_attribute("lang", tag)
    expect(page.locator("h1")).to_have_text(hub_title)
    page.click("#apd-hub-rvh")
    expect(page.locator("h1")).to_have_text(rvh_title)
    expect(page.locator("#delete-all-recordings-button")).to_have_text(delete_all)
    expect(page.locator(".apd-content-box .record-date").first).to_have_text(today)
    page.click("#filters-selected-bar > button")
    page.check(".filter-by-date-menu input[value=ALL_HISTORY]")
    message = page.locator(".full-width-message")
    expect(message).not_to_have_text(re.compile("…"))
    dates = page.locator(".apd-content-box .record-date").all_inner_texts()
    assert re.fullmatch(old_date, dates[-1]), dates[-1]
    # The same ids and classes everywhere: only the words change.
    for selector in (
        "#filters-selected-bar",
        ".filter-by-date-menu",
        ".filter-by-device-menu",
        ".apd-content-box .device-name",
        ".full-width-message",
    ):
        assert page.locator(selector).count() > 0, selector


def test_german_and_japanese_wording(page: Page, mock: Any) -> None:
    mock.site.reset(locale="de-DE")
    mock.sign_in(page)
    page.click("#filters-selected-bar > button")
    expect(page.locator(".filter-by-date-menu legend")).to_have_text("Datumsbereich")
    page.check(".filter-by-date-menu input[value=LAST_7_DAYS]")
    expect(page.locator("#delete-all-recordings-button")).to_have_text(
        "Alle Aufnahmen der letzten 7 Tage löschen"
    )
    page.goto("/alexa-privacy/apd/myad")
    expect(page.get_by_text("Löschen per Sprachbefehl aktivieren")).to_be_visible()
    page.goto("/alexa-privacy/apd/rvh?language=ja_JP")  # Amazon's language switch
    page.click("#filters-selected-bar > button")
    expect(page.locator(".filter-by-date-menu legend")).to_have_text("日付で絞り込む")
    expect(page.locator(".filter-by-date-menu .filter-row")).to_have_text(
        ["今日", "昨日", "今週", "今月", "すべての履歴", "期間を指定"]
    )
    page.goto("/alexa-privacy/apd/myad")  # remembered in the lc-main cookie
    expect(page.get_by_text("音声による削除を有効化")).to_be_visible()


def test_sign_in_pages_in_german(page: Page, mock: Any) -> None:
    mock.site.reset(locale="de-DE")
    page.goto("/ap/signin")
    expect(page.locator("h1")).to_have_text("Anmelden")
    expect(page.locator("#continue")).to_have_value("Weiter")
    page.fill("#ap_email", "x@example.com")
    page.click("#continue")
    expect(page.locator("#auth-error-message-box")).to_contain_text(
        "Es ist ein Problem aufgetreten"
    )


def test_drift_variant_differs_where_intended(page: Page, mock: Any) -> None:
    mock.site.reset(drift=True)
    # Sign-in keeps its ids (flows sign in the same way).
    mock.sign_in(page)
    expect(page.locator('meta[name="csrf-token"]')).to_have_count(1)
    renamed = [k for k in NAMES if NAMES[k] != DRIFT_NAMES[k]]
    assert {"box", "delete_all", "filter_bar", "message", "delete"} <= set(renamed)
    expect(page.locator(f".{DRIFT_NAMES['box']}").first).to_be_visible()
    assert page.locator(".apd-content-box").count() == 0
    assert page.locator("#delete-all-recordings-button").count() == 0
    assert page.locator("#filters-selected-bar").count() == 0
    assert page.locator(".record-delete-button").count() == 0
    expect(page.locator(f"#{DRIFT_NAMES['delete_all']}")).to_have_text(
        "Remove everything in this view"
    )
    expect(page.get_by_text("Delete all of my recordings")).to_have_count(0)
    expect(page.locator(f".{DRIFT_NAMES['message']}")).to_have_text(
        re.compile("You're all caught up|Nothing here yet")
    )
    # It still works: delete everything through the renamed controls.
    page.click(f"#{DRIFT_NAMES['filter_bar']} > button")
    page.check(f"input[name={DRIFT_NAMES['date_radio']}][value=ALL_HISTORY]")
    page.click(f"#{DRIFT_NAMES['delete_all']}")
    page.click(f"#{DRIFT_NAMES['confirm']}")
    expect(page.locator(f".{DRIFT_NAMES['message']}")).to_have_text(
        "Nothing here yet", timeout=5000
    )
    assert mock.state()["recordings"] == 0
    page.goto("/alexa-privacy/apd/myad")
    expect(page.get_by_text("Recording retention")).to_be_visible()
    assert page.locator("#retention-confirm-button").count() == 0
    assert page.locator(f"#{DRIFT_NAMES['retention_confirm']}").count() == 1
