"""Recording a walk of the site: every request after `start()` and the response it got, as
Exchanges, in memory only; nothing reaches the disk before it is scrubbed (scrub.py).

Why not Playwright's own HAR recording: it starts with the context, so it would hold the
sign-in (the password typed, the session handed out) in a file on disk before any scrubbing,
and it does not see the requests the steps send through the context's APIRequestContext (the
JSON feeds, the audio). Here the browser's requests are taken from the context's
"requestfinished" events once recording has started, and the steps' own go through `fetch`.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from loguru import logger
from playwright.async_api import BrowserContext, Request
from playwright.async_api import Error as PlaywrightError

from voicewipe.capture.har import Exchange, Headers
from voicewipe.runner.wire import Response


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _headers(found: dict[str, str]) -> Headers:
    return tuple((name.lower(), value) for name, value in found.items())


def full_url(url: str, params: Any) -> str:
    """The address a request with `params` goes to, as APIRequestContext.fetch builds it."""
    if not params:
        return url
    pairs = params.items() if isinstance(params, dict) else params
    query = urlencode([(k, "" if v is None else str(v)) for k, v in pairs])
    return f"{url}{'&' if urlsplit(url).query else '?'}{query}"


def body_text(request: dict[str, Any]) -> str | None:
    """The body a step's request carries, as text."""
    if request.get("data") is not None:
        data = request["data"]
        return data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
    form = request.get("form")
    return urlencode(list(form.items())) if form else None


class Recorder:
    """A Wire that records (runner.wire): attached to the run's context; records once
    `start()` has been called (after sign-in)."""

    rehearses = True

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []
        self.recording = False
        self._pending: set[asyncio.Task[None]] = set()

    def start(self) -> None:
        self.recording = True

    async def attach(self, context: BrowserContext) -> None:
        context.on("requestfinished", self._finished)

    async def detach(self, context: BrowserContext) -> None:
        await self.settle()
        self.recording = False

    async def settle(self) -> None:
        """Wait until every finished request's body has been read."""
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)

    def _finished(self, request: Request) -> None:
        if not self.recording or not request.url.startswith(("http://", "https://")):
            return
        task = asyncio.ensure_future(self._page_exchange(request, _now()))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _page_exchange(self, request: Request, started: str) -> None:
        try:
            response = await request.response()
            if response is None:
                return
            sent = await request.all_headers()
            got = await response.all_headers()
            try:
                body = await response.body()
            except PlaywrightError:  # a redirect, or a body the browser no longer holds
                body = b""
            timing = request.timing
            self.exchanges.append(
                Exchange(
                    method=request.method,
                    url=request.url,
                    request_headers=_headers(sent),
                    request_body=request.post_data,
                    status=response.status,
                    status_text=response.status_text,
                    response_headers=_headers(got),
                    body=body,
                    source="page",
                    resource=request.resource_type,
                    started=started,
                    time_ms=max(0.0, timing["responseEnd"]) if timing else 0.0,
                )
            )
        except PlaywrightError as error:  # the page closed under it: the walk goes on
            logger.debug(f"capture: {request.method} {request.url} not recorded: {error.message}")

    async def fetch(self, context: BrowserContext, url: str, **request: Any) -> Response:
        began, started = time.monotonic(), _now()
        response = await context.request.fetch(url, **request)
        if self.recording:
            body = await response.body()
            self.exchanges.append(
                Exchange(
                    method=str(request.get("method") or "GET").upper(),
                    url=full_url(url, request.get("params")),
                    request_headers=_headers(dict(request.get("headers") or {})),
                    request_body=body_text(request),
                    status=response.status,
                    status_text=response.status_text,
                    response_headers=_headers(response.headers),
                    body=body,
                    source="api",
                    resource="api",
                    started=started,
                    time_ms=(time.monotonic() - began) * 1000,
                )
            )
        return response
