"""for_each: run steps for every item of a list, one after another or several at once."""

from __future__ import annotations

import asyncio
from typing import Any

from voicewipe.errors import StepFailed
from voicewipe.flow.steps.for_each import ForEach
from voicewipe.runner.context import StepContext


async def run(step: ForEach, ctx: StepContext) -> None:
    args = step.for_each
    items = ctx.evaluate(args.items)
    if isinstance(items, dict):
        items = list(items.items())
    if not isinstance(items, list | tuple):
        raise StepFailed(
            f"for_each items `{args.items}` is a {type(items).__name__}, not a list",
            kind="template",
        )
    ctx.record.details["items"] = len(items)

    async def one(index: int, item: Any) -> None:
        scope = ctx.scope.child({args.as_: item})
        if args.index:
            scope.define(args.index, index)
        await ctx.run_steps(args.steps, scope)

    if args.concurrency == 1:
        for index, item in enumerate(items):
            await one(index, item)
        return
    gate = asyncio.Semaphore(args.concurrency)

    async def gated(index: int, item: Any) -> None:
        async with gate:
            await one(index, item)

    try:
        async with asyncio.TaskGroup() as group:
            for index, item in enumerate(items):
                group.create_task(gated(index, item))
    except BaseExceptionGroup as group:
        raise _first_leaf(group) from None


def _first_leaf(group: BaseExceptionGroup[BaseException]) -> BaseException:
    first = group.exceptions[0]
    return _first_leaf(first) if isinstance(first, BaseExceptionGroup) else first
