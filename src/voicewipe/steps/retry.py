"""retry: run steps again when they fail in one of the named ways, with a growing wait."""

from __future__ import annotations

import asyncio

from loguru import logger

from voicewipe.errors import StepFailed
from voicewipe.flow.steps.retry import Retry, RetryOn
from voicewipe.runner.context import StepContext


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


async def run(step: Retry, ctx: StepContext) -> None:
    args, wait = step.retry, step.retry.backoff
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
