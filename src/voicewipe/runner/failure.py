"""A step that failed: its record, its picture, and the one-line message a person reads.

The message names the step, what went wrong, the selector, the address and the screenshot;
it is made once, by the step that failed (the steps around it only say which one), and is
redacted before it goes anywhere.
"""

from __future__ import annotations

import time

from loguru import logger

from voicewipe.errors import PersonNeeded, SafetyRefusal, StepFailed, VoicewipeError
from voicewipe.flow.model import describe_selector
from voicewipe.redact import redact
from voicewipe.runner.context import StepContext, StepRecord
from voicewipe.runner.pictures import Pictures
from voicewipe.runner.records import page_url


def optional_failed(record: StepRecord, error: StepFailed, indent: str) -> None:
    """An optional step's failure: said, recorded, and the run goes on."""
    record.outcome, record.message = "optional-failed", redact(error.message)
    logger.warning(
        f"{indent}{record.number:>3} - {record.label}: {record.message} (optional, going on)"
    )


async def failed(ctx: StepContext, error: VoicewipeError, indent: str, pictures: Pictures) -> None:
    """Record a step's failure, photograph the page, and give the error its full message."""
    record = ctx.record
    record.outcome = "failed"
    if error.reported:
        record.message = f"step {error.step_number} failed"
        return
    record.url = page_url(ctx.page)
    record.duration_ms = int((time.monotonic() - record.started) * 1000)
    await pictures.after(ctx.step, record, force=True)
    details = [error.message]
    target = ctx.step.target()
    selector = record.selector or (describe_selector(target) if target is not None else None)
    if selector:
        details.append(f"selector: {selector}")
    details.append(f"url: {record.url}")
    if record.screenshot:
        details.append(f"screenshot: {pictures.folder.path / record.screenshot}")
    verb = {PersonNeeded: "needs a person", SafetyRefusal: "was refused"}.get(type(error), "failed")
    error.message = redact(
        f"step {record.number} '{record.label}' ({record.kind}) {verb}: " + "; ".join(details)
    )
    error.location = ctx.step.location
    record.message = redact(error.message)
    error.reported, error.step_number = True, record.number
    # The terminal gets the full message once, from the CLI; the log file gets it here.
    logger.error(f"{indent}{record.number:>3} ✗ {record.label}")
    logger.debug(record.message)
