"""check and uncheck: set a checkbox or radio button (nothing happens if it already is)."""

from __future__ import annotations

from voicewipe.flow.model import Selector, StepModel, TargetArgs, describe_selector
from voicewipe.runner.context import StepContext
from voicewipe.steps._act import act, ms


class Check(StepModel):
    KIND = "check"
    check: TargetArgs

    def summary(self) -> str:
        return f"check {describe_selector(self.check.target)}"

    def target(self) -> Selector:
        return self.check.target

    async def run(self, ctx: StepContext) -> None:
        located = await ctx.find(self.check.target)
        await act(
            f"check {located.description}", lambda: located.locator.check(timeout=ms(ctx.timeout))
        )


class Uncheck(StepModel):
    KIND = "uncheck"
    uncheck: TargetArgs

    def summary(self) -> str:
        return f"uncheck {describe_selector(self.uncheck.target)}"

    def target(self) -> Selector:
        return self.uncheck.target

    async def run(self, ctx: StepContext) -> None:
        located = await ctx.find(self.uncheck.target)
        await act(
            f"uncheck {located.description}",
            lambda: located.locator.uncheck(timeout=ms(ctx.timeout)),
        )
