"""repeat: run steps again and again, at most `max` times, until a condition holds.

A maximum is required: a loop that never ends is never what a person wants. When `until` is
given and still does not hold after `max` rounds, the step fails.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from voicewipe.flow.base import Duration, Model, StepModel, VarName
from voicewipe.flow.steps.condition import Condition

if TYPE_CHECKING:
    from voicewipe.flow.base import StepList


class RepeatArgs(Model):
    max: int = Field(ge=1, le=100_000, description="the most rounds")
    until: Condition | None = Field(None, description="checked before each round; stops when true")
    index: VarName | None = Field(None, description="a variable for the round's number, from 0")
    interval: Duration = Field(0, description="a wait between rounds (polling a slow backend)")
    steps: StepList = Field(min_length=1)


class Repeat(StepModel):
    KIND = "repeat"
    TOUCHES_PAGE = False
    repeat: RepeatArgs

    def summary(self) -> str:
        until = f" until {self.repeat.until.describe()}" if self.repeat.until else ""
        return f"repeat{until} (at most {self.repeat.max})"

    def bodies(self) -> dict[str, tuple[StepModel, ...]]:
        return {"repeat.steps": self.repeat.steps}

    def body_scope(self) -> set[str]:
        return {self.repeat.index} if self.repeat.index else set()
