"""click: click an element (auto-waits until it is visible, enabled and still)."""

from __future__ import annotations

from voicewipe.flow.steps.click import Click
from voicewipe.runner.context import StepContext
from voicewipe.steps._act import act, ms


async def run(step: Click, ctx: StepContext) -> None:
    located = await ctx.find(step.click.target)
    await act(
        f"click {located.description}",
        lambda: located.locator.click(
            button=step.click.button, click_count=step.click.count, timeout=ms(ctx.timeout)
        ),
    )
