"""click: click an element (auto-waits until it is visible, enabled and still)."""

from __future__ import annotations

from typing import Literal

from voicewipe.flow.model import Selector, StepModel, TargetArgs, describe_selector
from voicewipe.runner.context import StepContext
from voicewipe.steps._act import act, ms


class ClickArgs(TargetArgs):
    button: Literal["left", "right", "middle"] = "left"
    count: int = 1


class Click(StepModel):
    KIND = "click"
    click: ClickArgs

    def summary(self) -> str:
        return f"click {describe_selector(self.click.target)}"

    def target(self) -> Selector:
        return self.click.target

    async def run(self, ctx: StepContext) -> None:
        located = await ctx.find(self.click.target)
        await act(
            f"click {located.description}",
            lambda: located.locator.click(
                button=self.click.button, click_count=self.click.count, timeout=ms(ctx.timeout)
            ),
        )
