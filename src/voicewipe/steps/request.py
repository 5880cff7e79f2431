"""request: an HTTP call made through the browser's signed-in context (its cookies go along),
with headers, a JSON or form body, waiting out throttling, asking again after server errors
(see _fetch, _faults), and following a pagination token until every item is collected (see
_paginate); every request paced to what the site accepts (see runner.pace).
"""

from __future__ import annotations

import asyncio
from typing import Any

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
)
from voicewipe.runner.context import StepContext
from voicewipe.steps._fetch import Answer, fetch, release
from voicewipe.steps._paginate import Paging, Windows, paginate_windows
from voicewipe.steps._paginate import paginate as paginate_one
from voicewipe.steps._token import StaleToken, stale_token


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
    count = _whole(ctx, split.windows, "windows", 1024)
    at_once = _whole(ctx, split.concurrency, "concurrency", 64)
    return Windows(split.start, split.end, split.time, split.key, count, split.after_pages, at_once)


def _whole(ctx: StepContext, value: int | str, name: str, most: int) -> int:
    """A split's number, rendered when it is a template, and checked."""
    found = ctx.render(value) if isinstance(value, str) else value
    if isinstance(found, bool) or not isinstance(found, int) or not 1 <= found <= most:
        raise StepFailed(
            f"paginate split {name} must be a whole number from 1 to {most}, not {found!r}",
            kind="template",
        )
    return found


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
