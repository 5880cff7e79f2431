"""for_each: run steps for every item of a list, one after another or several at once.

With concurrency above 1, the body may only hold steps that don't touch the page (request,
download by address, set, write ...): one page cannot be clicked by two loops at once.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from pydantic import Field, model_validator

from voicewipe.errors import StepFailed
from voicewipe.flow.model import Expr, Model, StepModel, VarName
from voicewipe.runner.context import StepContext

if TYPE_CHECKING:
    from voicewipe.flow.model import StepList


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

    async def run(self, ctx: StepContext) -> None:
        args = self.for_each
        items = ctx.evaluate(args.items)
        if isinstance(items, dict):
            items = list(items.items())
        if not isinstance(items, list | tuple):
            raise StepFailed(
                f"for_each items `{args.items}` is a {type(items).__name__}, not a list",
                kind="template",
            )
        ctx.record.details["items"] = len(items)

        async def one(index: int, item: Any) -> None:
            scope = ctx.scope.child({args.as_: item})
            if args.index:
                scope.define(args.index, index)
            await ctx.run_steps(args.steps, scope)

        if args.concurrency == 1:
            for index, item in enumerate(items):
                await one(index, item)
            return
        gate = asyncio.Semaphore(args.concurrency)

        async def gated(index: int, item: Any) -> None:
            async with gate:
                await one(index, item)

        try:
            async with asyncio.TaskGroup() as group:
                for index, item in enumerate(items):
                    group.create_task(gated(index, item))
        except BaseExceptionGroup as group:
            raise _first_leaf(group) from None


def _first_leaf(group: BaseExceptionGroup[BaseException]) -> BaseException:
    first = group.exceptions[0]
    return _first_leaf(first) if isinstance(first, BaseExceptionGroup) else first
