"""log and fail: say something in the run's log, or stop the run with a message.

`fail` lets a flow end a run on purpose with the right exit code, e.g. when the site shows a
CAPTCHA in a headless run (`reason: person_needed`).
"""

from __future__ import annotations

from typing import Any, Literal

from loguru import logger
from pydantic import Field, model_validator

from voicewipe.errors import PersonNeeded, SafetyRefusal, StepFailed, UsageError
from voicewipe.flow.model import Model, StepModel
from voicewipe.runner.context import StepContext


class Log(StepModel):
    KIND = "log"
    TOUCHES_PAGE = False
    log: str

    def summary(self) -> str:
        return "log"

    async def run(self, ctx: StepContext) -> None:
        message = ctx.render_text(self.log)
        ctx.record.details["text"] = message
        logger.info(f"      {message}")


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

    async def run(self, ctx: StepContext) -> None:
        message = ctx.render_text(self.fail.message)
        if self.fail.reason == "person_needed":
            raise PersonNeeded(message)
        if self.fail.reason == "refused":
            raise SafetyRefusal(message)
        if self.fail.reason == "invalid":
            raise UsageError(message)
        raise StepFailed(message, kind="failed")
