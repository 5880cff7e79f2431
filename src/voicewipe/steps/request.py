"""request: an HTTP call made through the browser's signed-in context (its cookies go along),
with headers, a JSON or form body, waiting out throttling, and following a pagination token
until every item is collected (see _paginate); every request paced to what the site accepts
(see runner.pace).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass
from typing import Any

from playwright.async_api import APIResponse
from playwright.async_api import Error as PlaywrightError

from voicewipe import jsonlines
from voicewipe.errors import StepFailed
from voicewipe.flow.filters import get_path
from voicewipe.flow.steps.request import (
    MAX_PAGES,
    Paginate,
    Request,
    RequestArgs,
    Split,
    Throttle,
)
from voicewipe.runner.context import StepContext
from voicewipe.steps._act import ms
from voicewipe.steps._paginate import Paging, Windows, paginate_windows
from voicewipe.steps._paginate import paginate as paginate_one
from voicewipe.steps._token import StaleToken, stale_token


@dataclass
class Answer:
    """A response and its body, read from the browser driver once (each read of an
    APIResponse's body asks the driver for all of it again)."""

    response: APIResponse
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
    """One request, paced to what the site accepts and waiting out throttling; raises
    StepFailed on errors and unexpected statuses. `first`: it goes before requests that are
    many at once (downloads) when they wait for their turn. `token`: a stale token is read
    again and the request sent once more (see _token)."""
    throttle, wait = args.throttle, args.throttle.wait
    pacer = ctx.pacer(url)
    data = json.dumps(body) if body is not None else None
    if data is not None:
        headers = {"content-type": "application/json", **(headers or {})}
    for attempt in range(1, throttle.attempts + 1):
        sent = await pacer.slot(first=first)
        if token is None:
            answer = Answer(await _send(ctx, args, url, params, headers, data, form))
        else:
            answer = await _send_fresh(ctx, args, url, (params, headers, data, form), token)
        if not await _throttled(answer, throttle):
            pacer.accepted()
            return await _expected(answer, args, url)
        ctx.record.details["throttled"] = ctx.record.details.get("throttled", 0) + 1
        retry_after = answer.response.headers.get("retry-after", "")
        await release(answer)
        delay = float(retry_after) if retry_after.replace(".", "", 1).isdigit() else wait
        # Every request to the site waits, not only this one: the site asked for a pause.
        pacer.refused(sent, min(delay, throttle.max_wait))
        if attempt == throttle.attempts:
            break
        wait = min(wait * 2, throttle.max_wait)
    raise StepFailed(
        f"{args.method} {url} was still throttled after {throttle.attempts} attempts",
        kind="http",
        status=429,
    )


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
) -> APIResponse:
    try:
        return await ctx.browser_context.request.fetch(
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


async def _throttled(answer: Answer, throttle: Throttle) -> bool:
    """Whether the site said "slow down": by the status, or in the body."""
    if answer.status in throttle.statuses:
        return True
    if throttle.body_contains and answer.status != 204:
        text = await answer.text()
        return any(marker in text for marker in throttle.body_contains)
    return False


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


async def _json(answer: Answer, url: str) -> Any:
    # Parsed here rather than by response.json(), whose wrapper walks every value of the
    # result again (a third of a listing's CPU at 100,000 records).
    try:
        return jsonlines.loads(await answer.body())
    except (PlaywrightError, ValueError):
        raise StepFailed(f"{url} did not answer JSON", kind="http", status=answer.status) from None


def _pick(item: Any, paths: list[str]) -> Any:
    """Only these dotted paths of an item (the rest dropped), nested as they were."""
    if not isinstance(item, dict):
        return item
    kept: dict[str, Any] = {}
    for path in paths:
        *outer, last = path.split(".")
        source: Any = item
        target = kept
        for part in outer:
            source = source.get(part) if isinstance(source, dict) else None
            target = target.setdefault(part, {})
        if isinstance(source, dict) and last in source:
            target[last] = source[last]
    return kept


async def run(step: Request, ctx: StepContext) -> None:
    args = step.request
    url = ctx.render_text(args.url)
    ctx.check_origin(url)
    ctx.record.url = url
    parts: dict[str, Any] = {
        "params": ctx.render_data(args.params) if args.params is not None else None,
        "headers": ctx.render_data(args.headers) if args.headers is not None else None,
        "json": ctx.render_data(args.body) if args.body is not None else None,
    }
    form = ctx.render_data(args.form) if args.form is not None else None
    token = stale_token(ctx, args.refresh, args.headers, parts["headers"])
    if args.paginate is None:
        answer = await fetch(
            ctx, args, url, parts["params"], parts["headers"], parts["json"], form, token=token
        )
        ctx.record.details["status"] = answer.status
        try:
            if args.into:
                type_ = answer.response.headers.get("content-type", "")
                json_ = "json" in type_
                value = await _json(answer, url) if json_ else await answer.text()
                ctx.scope.set(args.into, value)
        finally:
            await release(answer)
        return
    await _paginated(ctx, args, url, parts, form, token)


async def _paginated(
    ctx: StepContext,
    args: RequestArgs,
    url: str,
    parts: dict[str, Any],
    form: Any,
    token: StaleToken | None,
) -> None:
    """Every page, in one pagination or in windows side by side; each page's items kept as
    `keep` or `pluck` say and handed to each_page as they come."""
    paginate = args.paginate
    assert paginate is not None
    max_pages, keep = _limits(ctx, paginate)
    pluck = ctx.render_text(paginate.pluck) if paginate.pluck else ""
    kept: list[Any] = []
    listed = 0
    # A page's body is let go of while the listing goes on: waiting for the driver to say so
    # would hold up the window's next request by one more round trip.
    releasing: set[asyncio.Task[None]] = set()

    async def fetch_page(request: dict[str, Any]) -> Any:
        sent = (request["params"], request["headers"], request["json"], form)
        answer = await fetch(ctx, args, url, *sent, token=token)
        try:
            return await _json(answer, url)
        finally:
            task = asyncio.create_task(release(answer))
            releasing.add(task)
            task.add_done_callback(releasing.discard)

    async def deliver(found: list[Any], more: bool, last: bool) -> None:
        nonlocal listed
        listed += len(found)
        if pluck:
            kept.extend(get_path(item, pluck) for item in found)
        elif keep is None:
            kept.extend(found)
        elif keep:
            kept.extend(_pick(item, keep) for item in found)
        ctx.record.details["items"] = listed
        ctx.runner.notify(ctx.record)  # "N records listed so far", for progress displays
        if paginate.each_page:
            scope = ctx.scope.child({paginate.as_: found, "more": more, "last": last})
            await ctx.run_steps(paginate.each_page, scope)

    paging = Paging(paginate.items, paginate.next, paginate.send, max_pages)
    try:
        if paginate.split is None:
            ctx.record.details["pages"] = await paginate_one(fetch_page, parts, paging, deliver)
        else:
            split = _windows(ctx, paginate.split)
            pages, windows = await paginate_windows(fetch_page, parts, paging, split, deliver)
            ctx.record.details.update(pages=pages, windows=windows)
    finally:
        await asyncio.gather(*releasing)
    if args.into:
        ctx.scope.set(args.into, kept)


def _windows(ctx: StepContext, split: Split) -> Windows:
    count = ctx.render(split.windows) if isinstance(split.windows, str) else split.windows
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 1024:
        raise StepFailed(
            f"paginate split windows must be a whole number from 1 to 1024, not {count!r}",
            kind="template",
        )
    return Windows(
        split.start, split.end, split.time, split.key, count, split.after_pages, split.concurrency
    )


def _limits(ctx: StepContext, paginate: Paginate) -> tuple[int, list[str] | None]:
    """max_pages and keep, rendered where they are templates and checked."""
    max_pages = paginate.max_pages
    if isinstance(max_pages, str):
        max_pages = ctx.render(max_pages)
    if (
        isinstance(max_pages, bool)
        or not isinstance(max_pages, int)
        or not 1 <= max_pages <= MAX_PAGES
    ):
        raise StepFailed(
            f"paginate max_pages must be a whole number from 1 to {MAX_PAGES:,}, not {max_pages!r}",
            kind="template",
        )
    keep: Any = paginate.keep
    if isinstance(keep, str):
        keep = ctx.render(keep)
    if keep is not None and (
        not isinstance(keep, list | tuple) or not all(isinstance(k, str) for k in keep)
    ):
        raise StepFailed(
            f"paginate keep must be a list of field paths, not {keep!r}", kind="template"
        )
    return max_pages, None if keep is None else list(keep)
