"""expect: wait until the page shows what it should: an element's state, text, value or
count, or the page's address or title. Fails with what was expected and what was seen."""

from __future__ import annotations

import asyncio
import re
import time
from types import MappingProxyType
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator, expect

from voicewipe.errors import ErrorKind, StepFailed
from voicewipe.flow.model import Selector, describe_selector
from voicewipe.flow.steps.expect import CountRange, Expect, ExpectArgs
from voicewipe.runner.context import StepContext
from voicewipe.runner.locate import build_locator
from voicewipe.steps._act import ms

# Each state, as the name of the Playwright assertion that waits for it.
_STATES = MappingProxyType(
    {
        "visible": "to_be_visible",
        "hidden": "to_be_hidden",
        "attached": "to_be_attached",
        "detached": "not_to_be_attached",
        "enabled": "to_be_enabled",
        "disabled": "to_be_disabled",
        "checked": "to_be_checked",
        "unchecked": "not_to_be_checked",
        "editable": "to_be_editable",
    }
)


async def run(step: Expect, ctx: StepContext) -> None:
    args = step.expect
    try:
        await _check_page(args, ctx)
        if args.target is not None:
            await _check_element(args, args.target, ctx)
    except AssertionError as error:
        text = args.message and ctx.render_text(args.message)
        seen = _seen(str(error))
        raise StepFailed(text or f"expectation not met: {seen}", kind="expectation") from None
    except PlaywrightError as error:
        line = error.message.strip().splitlines()[0]
        kind: ErrorKind = "ambiguous" if "strict mode violation" in line else "page"
        raise StepFailed(f"expectation could not be checked: {line}", kind=kind) from None


async def _check_page(args: ExpectArgs, ctx: StepContext) -> None:
    """The page's address and title; AssertionError with what was seen, in plain words."""
    timeout, page = ms(ctx.timeout), ctx.page
    # Playwright would describe these as the regular expressions we build; say it plainly.
    page_checks = (
        (args.url, True, "address", "contain"),
        (args.url_matches, False, "address", "match"),
        (args.title, True, "title", "contain"),
    )
    for text, literal, what, verb in page_checks:
        if text is None:
            continue
        wanted = ctx.render_text(text)
        pattern = re.compile(re.escape(wanted) if literal else wanted)
        try:
            if what == "address":
                await expect(page).to_have_url(pattern, timeout=timeout)
            else:
                await expect(page).to_have_title(pattern, timeout=timeout)
        except AssertionError:
            seen = page.url if what == "address" else repr(await page.title())
            raise AssertionError(
                f"the {what} is {seen}, which does not {verb} {wanted!r}"
            ) from None


async def _check_element(args: ExpectArgs, target: Selector, ctx: StepContext) -> None:
    """The target's count, state, text and value, each waited for up to the step's timeout."""
    timeout = ms(ctx.timeout)
    ctx.record.selector = describe_selector(target)
    loc = build_locator(ctx.page, target, ctx.render_text)
    if args.count is not None:
        await _expect_count(loc, _wanted_count(args.count, ctx), ctx.timeout, ctx.record.selector)
    if not isinstance(target, str) and target.pick != "one":
        loc = {"first": loc.first, "last": loc.last, "all": loc}[target.pick]
    if not isinstance(target, str) and target.nth is not None:
        loc = loc.nth(target.nth)
    state = args.state
    if (
        state is None
        and args.count is None
        and not any((args.text, args.text_is, args.matches, args.value))
    ):
        state = "visible"  # `expect: {target: X}` means "X shows"
    if state is not None:
        assertion: Any = getattr(expect(loc), _STATES[state])
        await assertion(timeout=timeout)
    if args.text is not None:
        await expect(loc).to_contain_text(ctx.render_text(args.text), timeout=timeout)
    if args.text_is is not None:
        await expect(loc).to_have_text(ctx.render_text(args.text_is), timeout=timeout)
    if args.matches is not None:
        await expect(loc).to_have_text(re.compile(ctx.render_text(args.matches)), timeout=timeout)
    if args.value is not None:
        await expect(loc).to_have_value(ctx.render_text(args.value), timeout=timeout)


def _wanted_count(count: int | CountRange | str, ctx: StepContext) -> int | CountRange:
    if not isinstance(count, str):
        return count
    rendered = ctx.render(count)
    if not isinstance(rendered, int) or isinstance(rendered, bool):
        raise StepFailed(f"count {count!r} gave {rendered!r}, not a whole number", kind="template")
    return rendered


async def _expect_count(loc: Locator, wanted: int | CountRange, timeout: float, what: str) -> None:
    low, high = (wanted, wanted) if isinstance(wanted, int) else (wanted.min, wanted.max)
    deadline = time.monotonic() + timeout
    while True:
        count = await loc.count()
        if (low is None or count >= low) and (high is None or count <= high):
            return
        if time.monotonic() >= deadline:
            if low == high:
                want = f"{low}"
            elif high is None:
                want = f"at least {low}"
            elif low is None:
                want = f"at most {high}"
            else:
                want = f"{low} to {high}"
            raise AssertionError(f"{what}: expected {want} element(s), found {count}")
        await asyncio.sleep(0.05)


def _seen(message: str) -> str:
    """Playwright's assertion text, cut to its useful first lines."""
    # What follows "Call log:" is Playwright's retry log ("6 × locator resolved to ..."),
    # whose counts vary from run to run: keep what was expected and what was seen.
    head = message.split("Call log:", 1)[0]
    lines = [line.strip() for line in head.splitlines() if line.strip()]
    keep = [line for line in lines if not line.startswith(("-", "waiting for"))]
    return " ".join(keep[:3]) or "not as expected"
