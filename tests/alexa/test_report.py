"""report.html, opened in a real headless Chromium from the file, as a person would open it:
the summary, the problems first (in red when the run failed), every step with its thumbnail,
and a thumbnail that enlarges on click. And `voicewipe report`, which says where it is."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Browser, Page, expect

from clirun import run_cli


@pytest.fixture
def page(browser: Browser):
    """A page of its own: pytest-playwright's `page` would fix the session's base_url to this
    directory's mock site, and the mock site's own tests need theirs."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


def _open(page: Page, folder) -> dict:
    page.goto((folder / "report.html").as_uri())
    return json.loads((folder / "run.json").read_text(encoding="utf-8"))


def test_a_rehearsal_report_shows_where_it_stopped_and_every_step(mock, vw, page: Page):
    done = vw("delete", "--all", "--no-export")
    assert done.code == 0, done.result.err
    data = _open(page, done.run_folders[-1])

    expect(page.locator("#verdict")).to_contain_text("Rehearsal")
    expect(page.locator("#summary-delete")).to_contain_text("would delete")
    expect(page.locator("#summary-delete")).to_contain_text(str(mock.state()["recordings"]))
    problems = page.locator("#problems tr")
    expect(problems).to_have_count(1)
    expect(problems.first).to_contain_text("Delete all of my recordings")
    expect(problems.first).to_contain_text("delete.yaml")
    expect(page.locator("#steps tr[data-step]")).to_have_count(len(data["steps"]))
    shots = sum(1 for s in data["steps"] if s.get("screenshot"))
    expect(page.locator("#steps img.thumb")).to_have_count(shots)
    # Each picture is embedded once and put in place by the page's script: every thumbnail
    # must actually show one.
    shown = "i => i.complete && i.naturalWidth > 0"
    page.wait_for_function(
        f"() => [...document.querySelectorAll('img.thumb')].every({shown})", timeout=5000
    )

    page.locator("#problems img.thumb").click()
    viewer = page.locator("#viewer")
    expect(viewer).to_be_visible()
    expect(viewer).to_contain_text("Delete all of my recordings")
    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()


def test_a_failed_run_puts_the_failure_first_in_red(mock, vw, page: Page):
    mock.configure(drift=True)
    done = vw("delete", "--all", "--no-export", "--yes", "--timeout", "3")
    assert done.code == 1
    _open(page, done.run_folders[-1])

    expect(page.locator("#verdict")).to_contain_text("Failed (exit code 1)")
    expect(page.locator("#error")).to_contain_text("#filters-selected-bar > button")
    failed = page.locator("#problems tr.failed")
    expect(failed).to_have_count(1)
    expect(failed).to_contain_text("Open the filters")
    red = failed.locator(".outcome").evaluate("e => getComputedStyle(e).color")
    assert red == "rgb(179, 38, 30)"
    # The problems come before the list of every step.
    assert (
        page.locator("#problems").bounding_box()["y"] < page.locator("#steps").bounding_box()["y"]
    )


def test_the_report_command_finds_the_latest_report(mock, vw, out):
    first = vw("delete", "--all", "--no-export", "--no-screenshots")
    second = vw("delete", "--all", "--no-export", "--no-screenshots")
    assert first.code == second.code == 0
    said = run_cli("report", "--out", str(out))
    assert said.code == 0
    assert said.out.strip() == str((second.run_folders[-1] / "report.html").resolve())
    given = run_cli("report", str(first.run_folders[0]))
    assert given.out.strip() == str((first.run_folders[0] / "report.html").resolve())
    missing = run_cli("report", "--out", str(out / "nowhere"))
    assert missing.code == 2
    assert "no run with a report" in missing.err
