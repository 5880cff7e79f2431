"""retry: run steps again when they fail in one of the named ways, with a growing wait.

- retry:
    attempts: 3
    on: [timeout, not_found, http_5xx]
    steps: [...]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from voicewipe.flow.base import Duration, Model, StepModel

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
    from voicewipe.flow.base import StepList


class RetryArgs(Model):
    attempts: int = Field(ge=2, le=50, description="how many tries in all")
    on: tuple[RetryOn, ...] = Field(
        ("any",), min_length=1, description="the failures worth another try"
    )
    backoff: Duration = Field(1.0, description="wait before the second try; doubles after each")
    steps: StepList = Field(min_length=1)


class Retry(StepModel):
    KIND = "retry"
    TOUCHES_PAGE = False
    retry: RetryArgs

    def summary(self) -> str:
        return f"retry up to {self.retry.attempts} times"

    def bodies(self) -> dict[str, tuple[StepModel, ...]]:
        return {"retry.steps": self.retry.steps}
