"""goto: open an address (absolute, or relative to the current page); a page the site fails to
serve (a 5xx, a timeout, a dropped connection) is opened again after a backoff, as a request
is (see _faults)."""

from __future__ import annotations

import time
from urllib.parse import urljoin

from playwright.async_api import Response

from voicewipe.errors import StepFailed
from voicewipe.flow.steps.goto import Goto
from voicewipe.runner.context import StepContext
from voicewipe.steps._act import act, ms
from voicewipe.steps._faults import closed, gave_up, wait_to_retry

_INTERRUPTED = 3  # a goto the page's own navigation interrupted is tried again
# What a failed page load's message says when no page came back at all.
_NO_ANSWER = ("net::ERR_", "Timeout ", "NS_ERROR_")


async def run(step: Goto, ctx: StepContext) -> None:
    url = ctx.render_text(step.goto.url)
    if ctx.page.url not in ("", "about:blank"):
        url = urljoin(ctx.page.url, url)
    ctx.check_origin(url)
    server, pacer = step.goto.server_errors, ctx.pacer(url)
    failures, started = 0, time.monotonic()
    while True:
        response, said = await _open(ctx, step, url)
        status = response.status if response is not None else None
        if response is not None and response.status in server.statuses:
            said = f"answered {response.status} {response.status_text}"
        if said is None:
            break
        failures += 1
        ctx.record.details["server_errors"] = failures
        if failures >= server.attempts:
            raise gave_up(f"open {url}", failures, said, status, time.monotonic() - started)
        await wait_to_retry(pacer, server, failures)
    ctx.record.url = ctx.page.url
    if response is not None and response.status >= 400:
        raise StepFailed(
            f"{url} answered {response.status} {response.status_text}",
            kind="http",
            status=response.status,
        )


async def _open(ctx: StepContext, step: Goto, url: str) -> tuple[Response | None, str | None]:
    """The page's response; or, when no page came back (a network error or a timeout, and
    the step retries those), None and what went wrong."""
    for attempt in range(1, _INTERRUPTED + 1):
        try:
            response = await act(
                f"open {url}",
                lambda: ctx.page.goto(
                    url, wait_until=step.goto.wait_until, timeout=ms(ctx.timeout)
                ),
            )
            return response, None
        except StepFailed as error:
            # The page itself navigated meanwhile (Amazon's pages send a signed-out page
            # to sign-in on their own): the address asked for is opened again.
            if "interrupted by another navigation" in str(error) and attempt < _INTERRUPTED:
                continue
            if step.goto.server_errors.network and _no_answer(error):
                return None, error.message.split(f"{url}: ", 1)[-1]
            raise
    raise AssertionError("unreachable")


def _no_answer(error: StepFailed) -> bool:
    return (
        error.kind in ("timeout", "page")
        and not closed(error)  # a browser that is gone is no site failing
        and any(m in error.message for m in _NO_ANSWER)
    )
