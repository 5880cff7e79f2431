"""select: choose option(s) of a <select> by their visible label (or by value)."""

from __future__ import annotations

from typing import Literal

from voicewipe.flow.model import Selector, StepModel, TargetArgs, describe_selector
from voicewipe.runner.context import StepContext
from voicewipe.steps._act import act, ms


class SelectArgs(TargetArgs):
    option: str | tuple[str, ...]
    by: Literal["label", "value"] = "label"


class Select(StepModel):
    KIND = "select"
    select: SelectArgs

    def summary(self) -> str:
        return f"select in {describe_selector(self.select.target)}"

    def target(self) -> Selector:
        return self.select.target

    async def run(self, ctx: StepContext) -> None:
        wanted = self.select.option
        options = [ctx.render_text(o) for o in ((wanted,) if isinstance(wanted, str) else wanted)]
        located = await ctx.find(self.select.target)
        if self.select.by == "label":
            await act(
                f"select {options} in {located.description}",
                lambda: located.locator.select_option(label=options, timeout=ms(ctx.timeout)),
            )
        else:
            await act(
                f"select {options} in {located.description}",
                lambda: located.locator.select_option(value=options, timeout=ms(ctx.timeout)),
            )
