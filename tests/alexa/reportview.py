"""report.html as a person sees it: opened from disk in a real headless Chromium, read from
the page (what is shown, not the HTML's text). Used wherever a test's run has a report to
check (tests/alexa/test_report.py, and the runs that refuse, fail or are stopped)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page


@contextlib.contextmanager
def opened(browser: Browser, folder: Path) -> Iterator[Page]:
    """The run folder's report.html in a page of its own (pytest-playwright's `page` would
    fix the session's base_url to the mock site)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto((folder / "report.html").as_uri())
        yield page
    finally:
        context.close()


def sentence(browser: Browser, folder: Path) -> str:
    """The sentence the report opens with."""
    with opened(browser, folder) as page:
        return page.locator("#sentence").inner_text().strip()


def run_json(folder: Path) -> dict[str, Any]:
    return dict(json.loads((folder / "run.json").read_text(encoding="utf-8")))


def ledger(archive: Path) -> list[dict[str, Any]]:
    """The export folder's deletion ledger, line by line."""
    path = archive / "deletions.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
