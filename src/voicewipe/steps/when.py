"""when: run `then` steps if a condition holds, `else` steps if not."""

from __future__ import annotations

from voicewipe.flow.steps.when import When
from voicewipe.runner.context import StepContext
from voicewipe.steps.condition import holds


async def run(step: When, ctx: StepContext) -> None:
    held = await holds(step.when, ctx)
    ctx.record.details["branch"] = "then" if held else "else"
    await ctx.run_steps(step.then if held else step.else_)
