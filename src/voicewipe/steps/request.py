"""request: an HTTP call made through the browser's signed-in context (its cookies go along),
with headers, a JSON or form body, waiting out throttling, and following a pagination token
until every item is collected.

    - request:
        method: POST
        url: "{{ site }}/alexa-privacy/apd/rvh/customer-history-records-v2"
        params: {startTime: "{{ start }}", endTime: "{{ end }}", pageType: VOICE_HISTORY}
        headers: {anti-csrftoken-a2z: "{{ csrf }}"}
        json: {previousRequestToken: null}
        paginate: {items: customerHistoryRecords, next: encodedRequestToken,
                   send: json.previousRequestToken}
        into: records
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Literal

from playwright.async_api import APIResponse
from playwright.async_api import Error as PlaywrightError
from pydantic import Field, model_validator

from voicewipe.errors import StepFailed
from voicewipe.flow.model import Duration, Model, StepModel, VarName
from voicewipe.flow.template import _get
from voicewipe.runner.context import StepContext
from voicewipe.steps._act import ms

Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]


class Throttle(Model):
    """When the site says "slow down", and how to wait before asking again."""

    statuses: tuple[int, ...] = (429, 503)
    body_contains: tuple[str, ...] = Field(
        (), description="texts in a response that mean throttled"
    )
    attempts: int = Field(6, ge=1, le=50)
    wait: Duration = Field(1.0, description="first wait; doubles each time, or Retry-After")
    max_wait: Duration = 60.0


class Paginate(Model):
    items: str = Field(description="dotted path of the list of items in each response")
    next: str = Field(description="dotted path of the next page's token in each response")
    send: str = Field(
        pattern=r"^(json|params|headers)\.[^.]+(\.[^.]+)*$",
        description="where the next request carries the token: json.<key>, params.<name> "
        "or headers.<name>",
    )
    max_pages: int = Field(100_000, ge=1)


class RequestArgs(Model):
    url: str
    method: Method = "GET"
    params: dict[str, Any] | None = None
    headers: dict[str, str] | None = None
    body: Any = Field(None, alias="json", description="a JSON body")
    form: dict[str, Any] | None = None
    expect_status: tuple[int, ...] | None = Field(None, description="default: any 2xx")
    throttle: Throttle = Throttle()
    paginate: Paginate | None = None
    into: VarName | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"url": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_body(self) -> RequestArgs:
        if self.body is not None and self.form is not None:
            raise ValueError("give json or form, not both")
        return self


async def fetch(
    ctx: StepContext, args: RequestArgs, url: str, params: Any, headers: Any, body: Any, form: Any
) -> APIResponse:
    """One request, waiting out throttling; raises StepFailed on errors and unexpected statuses."""
    throttle, wait = args.throttle, args.throttle.wait
    data = json.dumps(body) if body is not None else None
    if data is not None:
        headers = {"content-type": "application/json", **(headers or {})}
    for attempt in range(1, throttle.attempts + 1):
        try:
            response = await ctx.browser_context.request.fetch(
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
        throttled = response.status in throttle.statuses
        if not throttled and throttle.body_contains and response.status != 204:
            text = await response.text()
            throttled = any(marker in text for marker in throttle.body_contains)
        if not throttled:
            wanted = args.expect_status
            if (wanted is None and 200 <= response.status < 300) or (
                wanted and response.status in wanted
            ):
                return response
            raise StepFailed(
                f"{args.method} {url} answered {response.status} {response.status_text}",
                kind="http",
                status=response.status,
            )
        ctx.record.details["throttled"] = ctx.record.details.get("throttled", 0) + 1
        if attempt == throttle.attempts:
            break
        retry_after = response.headers.get("retry-after", "")
        delay = float(retry_after) if retry_after.replace(".", "", 1).isdigit() else wait
        await asyncio.sleep(min(delay, throttle.max_wait))
        wait = min(wait * 2, throttle.max_wait)
    raise StepFailed(
        f"{args.method} {url} was still throttled after {throttle.attempts} attempts",
        kind="http",
        status=429,
    )


def _put(target: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value


async def _json(response: APIResponse, url: str) -> Any:
    try:
        return await response.json()
    except (PlaywrightError, ValueError):
        raise StepFailed(
            f"{url} did not answer JSON", kind="http", status=response.status
        ) from None


class Request(StepModel):
    KIND = "request"
    TOUCHES_PAGE = False
    request: RequestArgs

    def defines(self) -> set[str]:
        return {self.request.into} if self.request.into else set()

    def summary(self) -> str:
        return f"{self.request.method} {self.request.url}"

    async def run(self, ctx: StepContext) -> None:
        args = self.request
        url = ctx.render_text(args.url)
        ctx.check_origin(url)
        ctx.record.url = url
        parts: dict[str, Any] = {
            "params": ctx.render_data(args.params) if args.params is not None else None,
            "headers": ctx.render_data(args.headers) if args.headers is not None else None,
            "json": ctx.render_data(args.body) if args.body is not None else None,
        }
        form = ctx.render_data(args.form) if args.form is not None else None
        if args.paginate is None:
            response = await fetch(
                ctx, args, url, parts["params"], parts["headers"], parts["json"], form
            )
            ctx.record.details["status"] = response.status
            if args.into:
                type_ = response.headers.get("content-type", "")
                value = await _json(response, url) if "json" in type_ else await response.text()
                ctx.scope.set(args.into, value)
            return
        items: list[Any] = []
        pages = 0
        while True:
            response = await fetch(
                ctx, args, url, parts["params"], parts["headers"], parts["json"], form
            )
            page = await _json(response, url)
            pages += 1
            found = _get(page, args.paginate.items)
            if isinstance(found, list):
                items.extend(found)
            ctx.record.details.update(pages=pages, items=len(items))
            ctx.runner.notify(ctx.record)  # "N records listed so far", for progress displays
            token = _get(page, args.paginate.next)
            if token in (None, "") or pages >= args.paginate.max_pages:
                break
            where, _, key = args.paginate.send.partition(".")
            parts[where] = dict(parts[where] or {})
            _put(parts[where], key, token)
        ctx.record.details.update(pages=pages, items=len(items))
        if args.into:
            ctx.scope.set(args.into, items)
