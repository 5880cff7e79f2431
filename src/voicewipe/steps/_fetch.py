"""How one request goes to the site: paced (runner.pace), throttling waited out, server
errors asked again with a backoff (_faults), a stale token read again (_token); the answer's
body read from the browser driver once. Used by the request and download steps.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass
from typing import Any

from playwright.async_api import Error as PlaywrightError

from voicewipe.errors import StepFailed
from voicewipe.flow.steps.request import RequestArgs
from voicewipe.runner.context import StepContext
from voicewipe.runner.wire import Response, send
from voicewipe.steps._act import ms
from voicewipe.steps._faults import Verdict, classify, closed, gave_up, wait_to_retry
from voicewipe.steps._token import StaleToken


@dataclass
class Answer:
    """A response and its body, read from the browser driver once (each read of an
    response's body asks the driver for all of it again)."""

    response: Response
    read: bytes | None = None

    @property
    def status(self) -> int:
        return self.response.status

    async def body(self) -> bytes:
        if self.read is None:
            self.read = await self.response.body()
        return self.read

    async def text(self) -> str:
        return (await self.body()).decode("utf-8", errors="replace")


async def fetch(
    ctx: StepContext,
    args: RequestArgs,
    url: str,
    params: Any,
    headers: Any,
    body: Any,
    form: Any,
    *,
    first: bool = True,
    token: StaleToken | None = None,
) -> Answer:
    """One request, paced to what the site accepts, waiting out throttling and asked again
    after server errors (see _faults); raises StepFailed on errors, unexpected statuses and
    when the site kept failing. `first`: it goes before requests that are many at once
    (downloads) when they wait for their turn. `token`: a stale token is read again and the
    request sent once more (see _token)."""
    pacer = ctx.pacer(url)
    data = json.dumps(body) if body is not None else None
    if data is not None:
        headers = {"content-type": "application/json", **(headers or {})}
    tries = _Tries(args.throttle.wait)
    while True:
        # A request asked again waits for its turn among the rest: that wait is time lost.
        with pacer.trouble.waiting() if tries.again else contextlib.nullcontext():
            sent = await pacer.slot(first=first)
        try:
            if token is None:
                answer = Answer(await _send(ctx, args, url, params, headers, data, form))
            else:
                answer = await _send_fresh(ctx, args, url, (params, headers, data, form), token)
        except StepFailed as error:
            if error.kind != "network" or not args.server_errors.network or closed(error):
                raise
            reason = error.message.split(" failed: ", 1)[-1]  # the request is named once
            await _server_error(ctx, args, url, tries, None, reason)
            continue
        verdict = await _verdict(answer, args)
        if verdict == "answer" or (verdict == "server" and args.server_errors.attempts == 1):
            pacer.accepted()
            return await _expected(answer, args, url)
        await release(answer)
        if verdict == "server":
            said = f"answered {answer.status} {answer.response.status_text}".rstrip()
            await _server_error(ctx, args, url, tries, answer.status, said)
        else:
            await _throttled(ctx, args, url, tries, sent, answer)


@dataclass
class _Tries:
    """One request's failures so far: in a row, of each kind."""

    wait: float  # the next throttled wait without Retry-After
    throttled: int = 0
    failed: int = 0
    lost_s: float = 0.0  # waited after server errors

    @property
    def again(self) -> bool:
        return bool(self.throttled or self.failed)


async def _server_error(
    ctx: StepContext, args: RequestArgs, url: str, tries: _Tries, status: int | None, said: str
) -> None:
    """A server error: wait its backoff and return (the request goes again), or stop."""
    server = args.server_errors
    tries.failed += 1
    ctx.record.details["server_errors"] = ctx.record.details.get("server_errors", 0) + 1
    if tries.failed >= server.attempts:
        raise gave_up(f"{args.method} {url}", tries.failed, said, status, tries.lost_s)
    started = time.monotonic()
    await wait_to_retry(ctx.pacer(url), server, tries.failed)
    tries.lost_s += time.monotonic() - started


async def _throttled(
    ctx: StepContext, args: RequestArgs, url: str, tries: _Tries, sent: float, answer: Answer
) -> None:
    """A throttled answer: pause the origin and cut its rate, or stop after `attempts`."""
    throttle, pacer = args.throttle, ctx.pacer(url)
    tries.throttled += 1
    ctx.record.details["throttled"] = ctx.record.details.get("throttled", 0) + 1
    retry_after = answer.response.headers.get("retry-after", "")
    delay = float(retry_after) if retry_after.replace(".", "", 1).isdigit() else tries.wait
    # Every request to the site waits, not only this one: the site asked for a pause.
    pacer.refused(sent, min(delay, throttle.max_wait))
    if tries.throttled >= throttle.attempts:
        raise StepFailed(
            f"{args.method} {url} was still throttled after {throttle.attempts} attempts",
            kind="http",
            status=answer.status,
        )
    pacer.trouble.retried("throttled", pacer.rate)
    tries.wait = min(tries.wait * 2, throttle.max_wait)


async def _send_fresh(
    ctx: StepContext, args: RequestArgs, url: str, parts: tuple[Any, ...], token: StaleToken
) -> Answer:
    """The answer to a request whose token may be stale: refused, the token is read again
    (or was, by another request meanwhile) and the request goes again with it."""
    params, headers, data, form = parts
    while True:
        generation = token.generation
        sent = token.headers(headers)
        answer = Answer(await _send(ctx, args, url, params, sent, data, form))
        if answer.status not in token.statuses:
            if 200 <= answer.status < 300:
                token.accepted(generation)
            return answer
        await release(answer)
        await token.renew(generation, f"{args.method} {url}", answer.status)


async def _send(
    ctx: StepContext,
    args: RequestArgs,
    url: str,
    params: Any,
    headers: Any,
    data: str | None,
    form: Any,
) -> Response:
    try:
        return await send(
            ctx.browser_context,
            ctx.options.wire,
            url,
            method=args.method,
            params=params,
            headers=headers,
            data=data,
            form=form,
            timeout=ms(ctx.timeout),
            fail_on_status_code=False,
        )
    except PlaywrightError as error:
        raise StepFailed(
            f"{args.method} {url} failed: {error.message.splitlines()[0]}", kind="network"
        ) from None


async def _verdict(answer: Answer, args: RequestArgs) -> Verdict:
    """Throttling, a server error, or an answer (see _faults.classify)."""
    throttle, status = args.throttle, answer.status
    text = await answer.text() if throttle.body_contains and status != 204 else None
    retry_after = answer.response.headers.get("retry-after", "")
    return classify(status, retry_after, text, throttle, args.server_errors)


async def _expected(answer: Answer, args: RequestArgs, url: str) -> Answer:
    """The answer, when its status is one the step accepts; StepFailed otherwise."""
    wanted, status = args.expect_status, answer.status
    if (wanted is None and 200 <= status < 300) or (wanted and status in wanted):
        return answer
    await release(answer)
    raise StepFailed(
        f"{args.method} {url} answered {status} {answer.response.status_text}",
        kind="http",
        status=status,
    )


async def release(answer: Answer) -> None:
    """Let the browser driver forget a response's body once it is read: it keeps every body
    until its context closes otherwise (100,000 downloads' worth)."""
    with contextlib.suppress(PlaywrightError):
        await answer.response.dispose()
