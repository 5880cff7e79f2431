"""Whether a condition of when or repeat holds: checked at once, or waited for up to `wait`."""

from __future__ import annotations

import asyncio
import re
import time

from voicewipe.flow.steps.condition import Condition
from voicewipe.runner.context import StepContext
from voicewipe.runner.locate import build_locator


async def _once(condition: Condition, ctx: StepContext) -> bool:
    if condition.visible is not None or condition.hidden is not None:
        selector = condition.visible if condition.visible is not None else condition.hidden
        assert selector is not None
        shown = (
            await build_locator(ctx.page, selector, ctx.render_text).filter(visible=True).count()
        )
        return bool(shown) == (condition.visible is not None)
    if condition.url is not None:
        return ctx.render_text(condition.url) in ctx.page.url
    if condition.url_matches is not None:
        return re.search(ctx.render_text(condition.url_matches), ctx.page.url) is not None
    assert condition.expr is not None
    return bool(ctx.evaluate(condition.expr))


async def holds(condition: Condition, ctx: StepContext) -> bool:
    deadline = time.monotonic() + condition.wait
    while True:
        if await _once(condition, ctx):
            return True
        if time.monotonic() >= deadline:
            return False
        if ctx.runner.options.stop.requested:  # a wait ends with the run
            raise asyncio.CancelledError
        await asyncio.sleep(0.05)
