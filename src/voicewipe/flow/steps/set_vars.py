"""set: give variables values (templates, or YAML data with templates inside)."""

from __future__ import annotations

import builtins
from typing import Annotated, Any

from pydantic import Field

from voicewipe.flow.base import IDENT, StepModel


class Set(StepModel):
    KIND = "set"
    TOUCHES_PAGE = False
    set: dict[Annotated[str, Field(pattern=IDENT)], Any] = Field(min_length=1)

    def defines(self) -> builtins.set[str]:
        return builtins.set(self.set)

    def summary(self) -> str:
        return "set " + ", ".join(self.set)
