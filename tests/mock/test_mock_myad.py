"""Manage Your Alexa Data: retention with its confirm step, and the two toggles."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

MYAD = "/alexa-privacy/apd/myad"


def _choose_retention(page: Page, value: str) -> None:
    page.check(f"input[name=retention-setting][value={value}]")
    page.click("#retention-confirm-button")
    dialog = page.locator("#retention-confirm-dialog")
    expect(dialog).to_be_visible()
    page.click("#retention-dialog-confirm-button")
    expect(page.locator("#retention-saved-message")).to_have_text("Your choice has been saved.")


def test_four_options_and_cancel(page: Page, mock: Any) -> None:
    mock.sign_in(page, target=MYAD)
    expect(page.locator("#retention-section h2")).to_have_text("Choose how long to save recordings")
    expect(page.locator(".apd-radio-label")).to_have_text(
        [
            "Save recordings until I delete them",
            "Save recordings for 18 months",
            "Save recordings for 3 months",
            "Don't save recordings",
        ]
    )
    expect(page.locator("input[name=retention-setting][value=UNTIL_DELETED]")).to_be_checked()
    page.check("input[name=retention-setting][value=DONT_SAVE]")
    page.click("#retention-confirm-button")
    expect(page.locator("#retention-confirm-dialog")).to_contain_text("delete all existing ones")
    page.click("#retention-dialog-cancel-button")
    expect(page.locator("#retention-confirm-dialog")).to_be_hidden()
    assert mock.state()["settings"]["retention"] == "UNTIL_DELETED"
    assert mock.state()["recordings"] == 240


def test_three_months_deletes_older_recordings(page: Page, mock: Any) -> None:
    mock.sign_in(page, target=MYAD)
    store = mock.site.site.data.stores["voice"]
    now = mock.site.site.data.now_ms
    cutoff = now - 91 * 86_400_000
    keep = len(store.matching(cutoff, now, None))
    _choose_retention(page, "THREE_MONTHS")
    assert mock.state()["settings"]["retention"] == "THREE_MONTHS"
    page.wait_for_timeout(800)  # deletion_delay_s is 0.6 in these tests
    state = mock.state()
    assert state["recordings"] == keep < 240
    assert min(r.timestamp for r in store) >= cutoff
    page.reload()
    expect(page.locator("input[name=retention-setting][value=THREE_MONTHS]")).to_be_checked()


def test_dont_save_deletes_every_voice_recording(page: Page, mock: Any) -> None:
    mock.sign_in(page, target=MYAD)
    sounds = mock.state()["histories"]["sounds"]["total"]
    _choose_retention(page, "DONT_SAVE")
    page.wait_for_timeout(800)
    state = mock.state()
    assert state["recordings"] == 0
    assert state["histories"]["voice"]["deleted"] == 240
    assert state["histories"]["sounds"]["total"] == sounds  # only voice recordings


def test_toggles_are_saved_server_side(page: Page, mock: Any) -> None:
    mock.sign_in(page, target=MYAD)
    voice = page.locator("#voice-deletion-toggle")
    improve = page.locator("#data-improves-alexa-toggle")
    expect(voice).not_to_be_checked()
    expect(improve).to_be_checked()
    expect(page.get_by_text("Enable deletion by voice")).to_be_visible()
    expect(page.get_by_text("Manage how your data improves Alexa")).to_be_visible()
    voice.click()
    expect(voice.locator("xpath=..").locator(".apd-switch-state")).to_have_text("On · Saved")
    improve.click()
    expect(improve.locator("xpath=..").locator(".apd-switch-state")).to_have_text("Off · Saved")
    settings = mock.state()["settings"]
    assert settings["deletion_by_voice"] is True and settings["data_improves_alexa"] is False
    page.reload()
    expect(voice).to_be_checked()
    expect(improve).not_to_be_checked()
