"""call: run another flow file as a sub-flow, with inputs, and take its outputs.

The sub-flow sees only the inputs it is given (its own declared inputs and defaults), never
the caller's variables; it may visit its own origins, and its masks hide from then on.
"""

from __future__ import annotations

from voicewipe.errors import StepFailed, UsageError
from voicewipe.flow.inputs import bind_inputs
from voicewipe.flow.steps.call import Call
from voicewipe.runner.context import StepContext
from voicewipe.runner.header import outputs_of, render_origins
from voicewipe.runner.scope import Scope


async def run(step: Call, ctx: StepContext) -> None:
    sub = ctx.flow.called(step)
    given = {name: ctx.render_data(value) for name, value in step.call.with_.items()}
    try:
        values = bind_inputs(sub, given, source=f"call of {sub.name}")
    except UsageError as error:
        raise StepFailed(error.message, kind="template") from None
    scope = Scope(values)
    origins = ctx.origins
    if sub.origins:
        origins = render_origins(sub, scope)
    ctx.runner.add_masks(sub, scope)
    await ctx.runner.run_steps(
        sub.steps, flow=sub, scope=scope, parent=ctx.record.number, origins=origins
    )
    if step.call.into:
        ctx.scope.set(step.call.into, outputs_of(sub, scope))
