"""set: give variables values (templates, or YAML data with templates inside)."""

from __future__ import annotations

from voicewipe.flow.steps.set_vars import Set
from voicewipe.runner.context import StepContext


async def run(step: Set, ctx: StepContext) -> None:
    for name, value in step.set.items():
        ctx.scope.set(name, ctx.render_data(value))
