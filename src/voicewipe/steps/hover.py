"""hover: move the mouse over an element (menus that open on hover)."""

from __future__ import annotations

from voicewipe.flow.steps.hover import Hover
from voicewipe.runner.context import StepContext
from voicewipe.steps._act import act, ms


async def run(step: Hover, ctx: StepContext) -> None:
    located = await ctx.find(step.hover.target)
    await act(
        f"hover {located.description}", lambda: located.locator.hover(timeout=ms(ctx.timeout))
    )
