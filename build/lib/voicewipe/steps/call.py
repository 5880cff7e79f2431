"""call: run another flow file as a sub-flow, with inputs, and take its outputs.

    - call: {flow: sign-in.yaml, with: {email: "{{ email }}"}, into: signin}

The sub-flow sees only the inputs it is given (its own declared inputs and defaults), never
the caller's variables. The loader loads it (relative to the calling flow's file) and refuses
a flow that calls itself, directly or through others.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, PrivateAttr, model_validator

from voicewipe.errors import StepFailed, UsageError
from voicewipe.flow.model import Flow, Model, Raw, StepModel, VarName
from voicewipe.runner.context import StepContext
from voicewipe.runner.scope import Scope


class CallArgs(Model):
    flow: Raw = Field(description="the flow file, relative to this one")
    with_: dict[str, Any] = Field(default_factory=dict, alias="with")
    into: VarName | None = Field(None, description="gets the sub-flow's outputs, as a map")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"flow": value} if isinstance(value, str) else value


class Call(StepModel):
    KIND = "call"
    TOUCHES_PAGE = False
    call: CallArgs
    _flow: Flow | None = PrivateAttr(default=None)  # set by the loader

    @property
    def subflow(self) -> Flow:
        assert self._flow is not None, "the loader resolves every call"
        return self._flow

    def summary(self) -> str:
        return f"call {self.call.flow}"

    def defines(self) -> set[str]:
        return {self.call.into} if self.call.into else set()

    async def run(self, ctx: StepContext) -> None:
        from voicewipe.flow.inputs import bind_inputs
        from voicewipe.runner.runner import outputs_of, render_origins

        sub = self.subflow
        given = {name: ctx.render_data(value) for name, value in self.call.with_.items()}
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
        if self.call.into:
            ctx.scope.set(self.call.into, outputs_of(sub, scope))
