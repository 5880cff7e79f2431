"""Telling the site's faults apart, and waiting them out.

Throttling (429, a 5xx that carries Retry-After, a body with one of the flow's throttling
texts) means "slow down": the pacer pauses the origin and cuts its rate. A server error (one of
the step's `server_errors.statuses` without Retry-After, a timeout, a dropped connection)
means the site failed this one request: it alone is asked again after a backoff with jitter,
and the rate stays as it is. Used by the request and download steps (request.fetch) and by
goto (page loads).
"""

from __future__ import annotations

import asyncio
import random
from typing import Literal

from voicewipe.errors import SiteFailing, StepFailed
from voicewipe.flow.steps.request import ServerErrors, Throttle
from voicewipe.runner.pace import Pacer

Verdict = Literal["throttled", "server", "answer"]

# Jitter: each wait is drawn from [LOW, HIGH] times its nominal value.
JITTER_LOW, JITTER_HIGH = 0.5, 1.5


def closed(error: StepFailed) -> bool:
    """The browser (or its context) is gone: no site to ask again, whatever it said."""
    return "has been closed" in error.message or "Browser closed" in error.message


def classify(
    status: int, retry_after: str, text: str | None, throttle: Throttle, server: ServerErrors
) -> Verdict:
    """What an answer is: throttling, a server error, or an answer for the step to judge.
    `text`: the body, when the flow has throttling texts to look for (None otherwise)."""
    if status in throttle.statuses:
        return "throttled"
    if text is not None and any(marker in text for marker in throttle.body_contains):
        return "throttled"
    if status in server.statuses or 500 <= status < 600:
        if retry_after.strip():  # the site said when to come back: it wants fewer requests
            return "throttled"
        if status in server.statuses:
            return "server"
    return "answer"


def backoff(server: ServerErrors, failures: int, rng: random.Random | None = None) -> float:
    """The wait before asking again after the `failures`-th failure in a row (1, 2, ...):
    `wait` doubled each time up to `max_wait`, then drawn from [0.5, 1.5] times that (and never
    beyond max_wait)."""
    first, most = float(server.wait), float(server.max_wait)
    nominal = min(first * 2.0 ** (failures - 1), most)
    draw = (rng.uniform if rng else random.uniform)(JITTER_LOW, JITTER_HIGH)
    return min(nominal * draw, most)


async def wait_to_retry(pacer: Pacer, server: ServerErrors, failures: int) -> None:
    """Count a server error that is asked again, and wait its backoff (time lost)."""
    pacer.trouble.retried("server", pacer.rate)
    with pacer.trouble.waiting():
        await asyncio.sleep(backoff(server, failures))


def gave_up(what: str, failures: int, said: str, status: int | None, lost_s: float) -> SiteFailing:
    """The one line a run stops with when the site kept failing."""
    return SiteFailing(
        f"{what} failed {failures} times in a row ({said}; {lost_s:.0f} s of retries): the "
        "site is failing; nothing more was done, run the same command again later",
        kind="network" if status is None else "http",
        status=status,
    )
