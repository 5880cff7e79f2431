"""log and fail: say something in the run's log, or stop the run with a message (and the
exit code its reason gives)."""

from __future__ import annotations

from loguru import logger

from voicewipe.errors import PersonNeeded, SafetyRefusal, StepFailed, UsageError
from voicewipe.flow.steps.log import Fail, Log
from voicewipe.runner.context import StepContext


async def run_log(step: Log, ctx: StepContext) -> None:
    message = ctx.render_text(step.log)
    ctx.record.details["text"] = message
    logger.info(f"      {message}")


async def run_fail(step: Fail, ctx: StepContext) -> None:
    message = ctx.render_text(step.fail.message)
    if step.fail.reason == "person_needed":
        raise PersonNeeded(message)
    if step.fail.reason == "refused":
        raise SafetyRefusal(message)
    if step.fail.reason == "invalid":
        raise UsageError(message)
    raise StepFailed(message, kind="failed")
