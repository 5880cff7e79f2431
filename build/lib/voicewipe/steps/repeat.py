"""repeat: run steps again and again, at most `max` times, until a condition holds.

A maximum is required: a loop that never ends is never what a person wants. When `until` is
given and still does not hold after `max` rounds, the step fails.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from pydantic import Field

from voicewipe.errors import StepFailed
from voicewipe.flow.model import Duration, Model, StepModel, VarName
from voicewipe.runner.context import StepContext
from voicewipe.steps.condition import Condition

if TYPE_CHECKING:
    from voicewipe.flow.model import StepList


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

    async def run(self, ctx: StepContext) -> None:
        args = self.repeat
        for round_ in range(args.max):
            if args.until is not None and await args.until.holds(ctx):
                ctx.record.details["rounds"] = round_
                return
            if round_ and args.interval:
                await asyncio.sleep(args.interval)
            if args.index:
                ctx.scope.set(args.index, round_)
            await ctx.run_steps(args.steps)
        ctx.record.details["rounds"] = args.max
        if args.until is not None and not await args.until.holds(ctx):
            raise StepFailed(
                f"still not true after {args.max} rounds: {args.until.describe()}",
                kind="expectation",
            )
