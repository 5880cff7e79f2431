"""log and fail: say something in the run's log, or stop the run with a message.

`fail` lets a flow end a run on purpose with the right exit code, e.g. when the site shows a
CAPTCHA in a headless run (`reason: person_needed`).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from voicewipe.flow.base import Model, StepModel


class Log(StepModel):
    KIND = "log"
    TOUCHES_PAGE = False
    log: str

    def summary(self) -> str:
        return "log"


class FailArgs(Model):
    message: str
    reason: Literal["failed", "person_needed", "refused", "invalid"] = Field(
        "failed",
        description="sets the exit code: step failed, a person is needed, refused for safety, "
        "invalid input (a device that does not exist, say)",
    )

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"message": value} if isinstance(value, str) else value


class Fail(StepModel):
    KIND = "fail"
    TOUCHES_PAGE = False
    fail: FailArgs

    def summary(self) -> str:
        return "stop the run"
