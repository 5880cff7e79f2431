"""check and uncheck: set a checkbox or radio button (nothing happens if it already is)."""

from __future__ import annotations

from voicewipe.flow.steps.check import Check, Uncheck
from voicewipe.runner.context import StepContext
from voicewipe.steps._act import act, ms


async def run_check(step: Check, ctx: StepContext) -> None:
    located = await ctx.find(step.check.target)
    await act(
        f"check {located.description}", lambda: located.locator.check(timeout=ms(ctx.timeout))
    )


async def run_uncheck(step: Uncheck, ctx: StepContext) -> None:
    located = await ctx.find(step.uncheck.target)
    await act(
        f"uncheck {located.description}",
        lambda: located.locator.uncheck(timeout=ms(ctx.timeout)),
    )
