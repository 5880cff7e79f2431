"""retry: run steps again when they fail in one of the named ways, with a growing wait.

- retry:
    attempts: 3
    on: [timeout, not_found, http_5xx]
    steps: [...]
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Literal

from loguru import logger
from pydantic import Field

from voicewipe.errors import StepFailed
from voicewipe.flow.model import Duration, Model, StepModel
from voicewipe.runner.context import StepContext

RetryOn = Literal[
    "any",
    "not_found",
    "ambiguous",
    "timeout",
    "expectation",
    "http",
    "http_429",
    "http_5xx",
    "network",
    "page",
    "template",
    "failed",
]

if TYPE_CHECKING:
    from voicewipe.flow.model import StepList


class RetryArgs(Model):
    attempts: int = Field(ge=2, le=50, description="how many tries in all")
    on: tuple[RetryOn, ...] = Field(
        ("any",), min_length=1, description="the failures worth another try"
    )
    backoff: Duration = Field(1.0, description="wait before the second try; doubles after each")
    steps: StepList = Field(min_length=1)


def matches(error: StepFailed, kinds: tuple[RetryOn, ...]) -> bool:
    for kind in kinds:
        if kind == "any" and error.kind != "template":
            return True
        if kind == error.kind:
            return True
        if kind == "http_429" and error.status == 429:
            return True
        if kind == "http_5xx" and error.status is not None and 500 <= error.status < 600:
            return True
    return False


class Retry(StepModel):
    KIND = "retry"
    TOUCHES_PAGE = False
    retry: RetryArgs

    def summary(self) -> str:
        return f"retry up to {self.retry.attempts} times"

    def bodies(self) -> dict[str, tuple[StepModel, ...]]:
        return {"retry.steps": self.retry.steps}

    async def run(self, ctx: StepContext) -> None:
        args, wait = self.retry, self.retry.backoff
        for attempt in range(1, args.attempts + 1):
            try:
                await ctx.run_steps(args.steps)
                ctx.record.details["attempts"] = attempt
                return
            except StepFailed as error:
                if attempt == args.attempts or not matches(error, args.on):
                    ctx.record.details["attempts"] = attempt
                    raise
                logger.warning(
                    f"attempt {attempt} of {args.attempts} failed ({error.kind}); "
                    f"trying again in {wait:g}s"
                )
                await asyncio.sleep(wait)
                wait *= 2
