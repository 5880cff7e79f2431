"""The browser session: Playwright, the browser, one context and one page, and tracing.

A trace records every action and every typed text; --tracing decides whether trace.zip is
kept: always (on), never (off), or only when the run failed (retain-on-failure, the default).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loguru import logger
from playwright.async_api import Browser, BrowserContext, Page, Playwright, async_playwright
from playwright.async_api import Error as PlaywrightError

from voicewipe.browser import find_browser, launch_options
from voicewipe.errors import BrowserNotFound
from voicewipe.runner.context import RunOptions


@dataclass
class Session:
    browser: Browser
    context: BrowserContext
    page: Page
    tracing: bool


@asynccontextmanager
async def open_session(
    options: RunOptions, *, storage_state: dict[str, Any] | None = None
) -> AsyncIterator[Session]:
    """A browser, a context (with a saved sign-in's cookies when given) and a page; with
    options.browser (runs side by side: --all-accounts), a context of that browser, which
    stays open for the others."""
    if options.browser is not None:
        async with _context(options.browser, options, storage_state) as session:
            yield session
        return
    async with async_playwright() as playwright:
        browser = await launch(playwright, options)
        try:
            async with _context(browser, options, storage_state) as session:
                yield session
        finally:
            await browser.close()


async def launch(playwright: Playwright, options: RunOptions) -> Browser:
    """The browser voicewipe drives (see voicewipe.browser), started."""
    choice = find_browser(
        bundled=playwright.chromium.executable_path, explicit=options.browser_path
    )
    try:
        browser = await playwright.chromium.launch(
            **launch_options(choice, headless=not options.headed, slowmo_ms=options.slowmo_ms)  # type: ignore[arg-type]
        )
    except PlaywrightError as error:
        first = error.message.strip().splitlines()[0]
        raise BrowserNotFound(
            f"could not start {choice.executable} (from {choice.source}): {first}"
        ) from None
    logger.debug(f"browser: {choice.executable} ({choice.source}) {browser.version}")
    return browser


@asynccontextmanager
async def _context(
    browser: Browser, options: RunOptions, storage_state: dict[str, Any] | None
) -> AsyncIterator[Session]:
    context = await browser.new_context(
        accept_downloads=True,
        viewport={"width": 1280, "height": 900},
        storage_state=storage_state,  # type: ignore[arg-type]
    )
    try:
        if options.wire is not None:
            await options.wire.attach(context)
        tracing = options.tracing != "off"
        if tracing:
            await context.tracing.start(screenshots=True, snapshots=True, sources=False)
        page = await context.new_page()
        try:
            yield Session(browser, context, page, tracing)
        finally:
            if options.wire is not None:
                await options.wire.detach(context)
    finally:
        with contextlib.suppress(PlaywrightError):  # the browser went away (a crash, a kill)
            await context.close()


async def finish_tracing(
    session: Session, options: RunOptions, *, failed: bool, path: Path, secret_typed: bool = False
) -> Path | None:
    """Stop tracing; keep trace.zip when asked to, and never when a secret was typed (the
    trace would hold it). Returns its path when kept."""
    if not session.tracing:
        return None
    keep = options.tracing == "on" or (options.tracing == "retain-on-failure" and failed)
    if keep and secret_typed:
        logger.warning(
            "no trace.zip: a password or code was typed in this run, and a trace would hold it "
            "(a run that reuses a saved sign-in keeps its trace)"
        )
        keep = False
    try:
        if keep:
            await session.context.tracing.stop(path=path)
            return path
        await session.context.tracing.stop()
    except PlaywrightError as error:
        logger.debug(f"tracing: {error.message}")
    return None
