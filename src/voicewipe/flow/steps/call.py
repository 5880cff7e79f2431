"""call: run another flow file as a sub-flow, with inputs, and take its outputs.

    - call: {flow: sign-in.yaml, with: {email: "{{ email }}"}, into: signin}

The sub-flow sees only the inputs it is given (its own declared inputs and defaults), never
the caller's variables. The loader loads it (relative to the calling flow's file), refuses a
flow that calls itself, directly or through others, and keeps it in the calling Flow
(Flow.called): a step of a flow knows nothing of the Flow model, which is built from the steps.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from voicewipe.flow.base import Model, Raw, StepModel, VarName


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

    def summary(self) -> str:
        return f"call {self.call.flow}"

    def defines(self) -> set[str]:
        return {self.call.into} if self.call.into else set()
