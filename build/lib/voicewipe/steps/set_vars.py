"""set: give variables values (templates, or YAML data with templates inside)."""

from __future__ import annotations

import builtins
from typing import Annotated, Any

from pydantic import Field

from voicewipe.flow.model import StepModel
from voicewipe.runner.context import StepContext

_IDENT = r"^[A-Za-z_][A-Za-z0-9_]*$"


class Set(StepModel):
    KIND = "set"
    TOUCHES_PAGE = False
    set: dict[Annotated[str, Field(pattern=_IDENT)], Any] = Field(min_length=1)

    def defines(self) -> builtins.set[str]:
        return builtins.set(self.set)

    def summary(self) -> str:
        return "set " + ", ".join(self.set)

    async def run(self, ctx: StepContext) -> None:
        for name, value in self.set.items():
            ctx.scope.set(name, ctx.render_data(value))
