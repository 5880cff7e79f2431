"""when: run `then` steps if a condition holds, `else` steps if not.

- when: {visible: {css: "#auth-mfa-otpcode"}, wait: 5s}
  then: [...]
  else: [...]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from voicewipe.flow.base import StepModel
from voicewipe.flow.steps.condition import Condition

if TYPE_CHECKING:
    from voicewipe.flow.base import StepList


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
