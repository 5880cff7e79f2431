"""repeat: run steps again and again, at most `max` times, until a condition holds; failing
when `until` still does not hold after the last round."""

from __future__ import annotations

import asyncio

from voicewipe.errors import StepFailed
from voicewipe.flow.steps.repeat import Repeat
from voicewipe.runner.context import StepContext
from voicewipe.steps.condition import holds


async def run(step: Repeat, ctx: StepContext) -> None:
    args = step.repeat
    for round_ in range(args.max):
        if args.until is not None and await holds(args.until, ctx):
            ctx.record.details["rounds"] = round_
            return
        if round_ and args.interval:
            await asyncio.sleep(args.interval)
        if args.index:
            ctx.scope.set(args.index, round_)
        await ctx.run_steps(args.steps)
    ctx.record.details["rounds"] = args.max
    if args.until is not None and not await holds(args.until, ctx):
        raise StepFailed(
            f"still not true after {args.max} rounds: {args.until.describe()}",
            kind="expectation",
        )
