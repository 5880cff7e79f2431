"""scroll: bring an element into view, or scroll a lazy-loading list until something appears
or until it stops growing.

"Stops growing" is decided without fixed sleeps: after each scroll we wait for the item count
to rise, up to `settle`; a scroll that brings nothing new within it ends the loop.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable

from playwright.async_api import Locator

from voicewipe.errors import StepFailed
from voicewipe.flow.model import describe_selector
from voicewipe.flow.steps.scroll import Scroll, ScrollArgs
from voicewipe.runner.context import StepContext
from voicewipe.runner.locate import build_locator
from voicewipe.steps._act import act, ms

_TO_BOTTOM = "el => { el.scrollTop = el.scrollHeight; }"
_PAGE_TO_BOTTOM = "() => window.scrollTo(0, document.documentElement.scrollHeight)"


async def run(step: Scroll, ctx: StepContext) -> None:
    args = step.scroll
    if args.to is not None:
        located = await ctx.find(args.to)
        await act(
            f"scroll to {located.description}",
            lambda: located.locator.scroll_into_view_if_needed(timeout=ms(ctx.timeout)),
        )
        return
    assert args.max is not None
    watched = args.until_visible if args.until_visible is not None else args.until_stable
    assert watched is not None
    items = build_locator(ctx.page, watched, ctx.render_text)
    ctx.record.selector = describe_selector(watched)
    for scrolls in range(args.max + 1):
        ctx.record.selector = describe_selector(watched)
        if args.until_visible is not None and await items.filter(visible=True).count():
            ctx.record.details["scrolls"] = scrolls
            return
        if scrolls == args.max:
            break
        before, height = await items.count(), await _height(args, ctx)
        await _scroll_once(args, ctx)
        if args.until_visible is not None:
            # Wait for the element, or for anything new to load, then look again.
            await _wait_until(functools.partial(_changed, args, ctx, items, height), args.settle)
        elif not await _wait_until(functools.partial(_grew, items, before), args.settle):
            ctx.record.details.update(scrolls=scrolls + 1, items=before)
            return
    what = "appear" if args.until_visible is not None else "stop growing"
    raise StepFailed(
        f"{describe_selector(watched)} did not {what} after {args.max} scrolls",
        kind="not_found",
    )


async def _changed(args: ScrollArgs, ctx: StepContext, items: Locator, height: int) -> bool:
    return await _visible(items) or await _height(args, ctx) > height


async def _height(args: ScrollArgs, ctx: StepContext) -> int:
    if args.container is not None:
        located = await ctx.find(args.container)
        return int(await located.locator.evaluate("el => el.scrollHeight"))
    return int(await ctx.page.evaluate("() => document.documentElement.scrollHeight"))


async def _scroll_once(args: ScrollArgs, ctx: StepContext) -> None:
    if args.container is not None:
        located = await ctx.find(args.container)
        await act("scroll the list", lambda: located.locator.evaluate(_TO_BOTTOM))
    else:
        await act("scroll the page", lambda: ctx.page.evaluate(_PAGE_TO_BOTTOM))


async def _visible(items: Locator) -> bool:
    return bool(await items.filter(visible=True).count())


async def _grew(items: Locator, before: int) -> bool:
    return await items.count() > before


async def _wait_until(check: Callable[[], Awaitable[bool]], settle: float) -> bool:
    """Poll `check` until it holds or `settle` seconds pass (what a scroll may take to load)."""
    deadline = time.monotonic() + settle
    while True:
        if await check():
            return True
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(0.05)
