"""when: run `then` steps if a condition holds, `else` steps if not.

- when: {visible: {css: "#auth-mfa-otpcode"}, wait: 5s}
  then: [...]
  else: [...]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from voicewipe.flow.model import StepModel
from voicewipe.runner.context import StepContext
from voicewipe.steps.condition import Condition

if TYPE_CHECKING:
    from voicewipe.flow.model import StepList


class When(StepModel):
    KIND = "when"
    TOUCHES_PAGE = False
    when: Condition
    then: StepList = Field(min_length=1)
    else_: StepList = Field((), alias="else")

    def summary(self) -> str:
        return f"when {self.when.describe()}"

    def bodies(self) -> dict[str, tuple[StepModel, ...]]:
        return {"then": self.then, "else": self.else_}

    async def run(self, ctx: StepContext) -> None:
        holds = await self.when.holds(ctx)
        ctx.record.details["branch"] = "then" if holds else "else"
        await ctx.run_steps(self.then if holds else self.else_)
