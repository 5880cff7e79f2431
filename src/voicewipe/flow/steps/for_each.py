"""for_each: run steps for every item of a list, one after another or several at once.

With concurrency above 1, the body may only hold steps that don't touch the page (request,
download by address, set, write ...): one page cannot be clicked by two loops at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field, model_validator

from voicewipe.flow.base import Expr, Model, StepModel, VarName

if TYPE_CHECKING:
    from voicewipe.flow.base import StepList


class ForEachArgs(Model):
    items: Expr = Field(description="an expression giving the list: `records`, `rows[:10]`")
    as_: VarName = Field("item", alias="as", description="the variable each item is given as")
    index: VarName | None = Field(None, description="a variable for the item's position, from 0")
    concurrency: int = Field(1, ge=1, le=64)
    steps: StepList = Field(min_length=1)

    @model_validator(mode="after")
    def _concurrent_steps_leave_the_page_alone(self) -> ForEachArgs:
        if self.concurrency > 1:
            for step in _walk(self.steps):
                if step.touches_page():
                    raise ValueError(
                        f"concurrency {self.concurrency} needs steps that leave the page alone; "
                        f"'{step.KIND}' acts on the page"
                    )
        return self


def _walk(steps: tuple[StepModel, ...]) -> list[StepModel]:
    found: list[StepModel] = []
    for step in steps:
        found.append(step)
        for body in step.bodies().values():
            found.extend(_walk(body))
    return found


class ForEach(StepModel):
    KIND = "for_each"
    TOUCHES_PAGE = False
    for_each: ForEachArgs

    def summary(self) -> str:
        return f"for each {self.for_each.as_} in {self.for_each.items}"

    def bodies(self) -> dict[str, tuple[StepModel, ...]]:
        return {"for_each.steps": self.for_each.steps}

    def body_scope(self) -> set[str]:
        return {self.for_each.as_} | ({self.for_each.index} if self.for_each.index else set())

    def shares_scope(self) -> bool:
        return False
