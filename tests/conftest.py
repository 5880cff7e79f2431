"""Shared test fixtures: the browser that pytest-playwright launches is voicewipe's choice."""

from __future__ import annotations

from typing import Any

import pytest

from voicewipe.browser import find_browser, launch_options


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], playwright: Any
) -> dict[str, Any]:
    # pytest-playwright launches Playwright's own Chromium; where that could not be
    # downloaded we fall back to the system's, exactly as voicewipe itself does.
    choice = find_browser(bundled=playwright.chromium.executable_path)
    options = launch_options(choice, headless=browser_type_launch_args.get("headless", True))
    options.pop("slow_mo")
    return {**browser_type_launch_args, **options}
