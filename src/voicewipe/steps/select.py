"""select: choose option(s) of a <select> by their visible label (or by value)."""

from __future__ import annotations

from voicewipe.flow.steps.select import Select
from voicewipe.runner.context import StepContext
from voicewipe.steps._act import act, ms


async def run(step: Select, ctx: StepContext) -> None:
    wanted = step.select.option
    options = [ctx.render_text(o) for o in ((wanted,) if isinstance(wanted, str) else wanted)]
    located = await ctx.find(step.select.target)
    if step.select.by == "label":
        await act(
            f"select {options} in {located.description}",
            lambda: located.locator.select_option(label=options, timeout=ms(ctx.timeout)),
        )
    else:
        await act(
            f"select {options} in {located.description}",
            lambda: located.locator.select_option(value=options, timeout=ms(ctx.timeout)),
        )
