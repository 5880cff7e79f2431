"""hover: move the mouse over an element (menus that open on hover)."""

from __future__ import annotations

from voicewipe.flow.model import Selector, StepModel, TargetArgs, describe_selector
from voicewipe.runner.context import StepContext
from voicewipe.steps._act import act, ms


class Hover(StepModel):
    KIND = "hover"
    hover: TargetArgs

    def summary(self) -> str:
        return f"hover {describe_selector(self.hover.target)}"

    def target(self) -> Selector:
        return self.hover.target

    async def run(self, ctx: StepContext) -> None:
        located = await ctx.find(self.hover.target)
        await act(
            f"hover {located.description}", lambda: located.locator.hover(timeout=ms(ctx.timeout))
        )
