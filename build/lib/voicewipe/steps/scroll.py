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
from typing import Any

from playwright.async_api import Locator
from pydantic import Field, model_validator

from voicewipe.errors import StepFailed
from voicewipe.flow.model import Duration, Model, Selector, StepModel, describe_selector
from voicewipe.runner.context import StepContext
from voicewipe.runner.locate import build_locator
from voicewipe.steps._act import act, ms

_TO_BOTTOM = "el => { el.scrollTop = el.scrollHeight; }"
_PAGE_TO_BOTTOM = "() => window.scrollTo(0, document.documentElement.scrollHeight)"


class ScrollArgs(Model):
    to: Selector | None = Field(None, description="scroll this element into view")
    until_visible: Selector | None = Field(None, description="scroll until this element is visible")
    until_stable: Selector | None = Field(
        None, description="scroll until the count of these stops growing"
    )
    container: Selector | None = Field(
        None, description="the scrolling element (default: the page)"
    )
    max: int | None = Field(None, ge=1, description="most scrolls; required with until_*")
    settle: Duration = Field(2.0, description="how long a scroll may take to bring new items")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"to": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_mode(self) -> ScrollArgs:
        modes = [m for m in ("to", "until_visible", "until_stable") if getattr(self, m) is not None]
        if len(modes) != 1:
            raise ValueError("scroll takes exactly one of to, until_visible, until_stable")
        if modes[0] != "to" and self.max is None:
            raise ValueError(f"scroll with {modes[0]} needs max: the most scrolls before giving up")
        return self


class Scroll(StepModel):
    KIND = "scroll"
    scroll: ScrollArgs

    def summary(self) -> str:
        args = self.scroll
        if args.to is not None:
            return f"scroll to {describe_selector(args.to)}"
        if args.until_visible is not None:
            return f"scroll until {describe_selector(args.until_visible)} shows"
        assert args.until_stable is not None
        return f"scroll until {describe_selector(args.until_stable)} stop growing"

    async def run(self, ctx: StepContext) -> None:
        args = self.scroll
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
            before, height = await items.count(), await self._height(ctx)
            await self._scroll_once(ctx)
            if args.until_visible is not None:
                # Wait for the element, or for anything new to load, then look again.
                await _wait_until(functools.partial(self._changed, ctx, items, height), args.settle)
            elif not await _wait_until(functools.partial(_grew, items, before), args.settle):
                ctx.record.details.update(scrolls=scrolls + 1, items=before)
                return
        what = "appear" if args.until_visible is not None else "stop growing"
        raise StepFailed(
            f"{describe_selector(watched)} did not {what} after {args.max} scrolls",
            kind="not_found",
        )

    async def _changed(self, ctx: StepContext, items: Locator, height: int) -> bool:
        return await _visible(items) or await self._height(ctx) > height

    async def _height(self, ctx: StepContext) -> int:
        if self.scroll.container is not None:
            located = await ctx.find(self.scroll.container)
            return int(await located.locator.evaluate("el => el.scrollHeight"))
        return int(await ctx.page.evaluate("() => document.documentElement.scrollHeight"))

    async def _scroll_once(self, ctx: StepContext) -> None:
        if self.scroll.container is not None:
            located = await ctx.find(self.scroll.container)
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
