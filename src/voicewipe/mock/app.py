"""The ASGI application: routes, and the gate every request passes first.

The gate is plain ASGI middleware (no BaseHTTPMiddleware, which buffers and has had
long-standing quirks): it counts requests per endpoint, adds latency, injects 503s and 429s,
and turns any unexpected exception into an Amazon-style 500 answer, never a traceback. A
client that goes away mid-request (a cancelled download, a killed run, a benchmark's end) is
nothing unexpected: it is counted (`disconnects`) and logged at debug level, quietly.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from voicewipe.mock import activity, api, control, interstitials, pages, plus, signin
from voicewipe.mock.site import Site
from voicewipe.mock.web import error_page, site_of

STATIC_PREFIX = "/apd-static"
_log = logging.getLogger("voicewipe.mock")


# The endpoints that the rate limit (429) applies to: the classic feed's and the Alexa+ one's.
_THROTTLED = api.THROTTLED_PATHS | plus.THROTTLED_PATHS


# A client that went away: while its body was read (ClientDisconnect), or while the answer
# was sent (uvicorn's ClientDisconnected is an OSError, as are resets and broken pipes).
_GONE = (ClientDisconnect, OSError)


def _is_api(path: str) -> bool:
    return path in _THROTTLED or path.startswith(
        ("/alexa-privacy/apd/myad/", "/ap/cvf/approval/poll")
    )


class Gate:
    def __init__(self, app: ASGIApp, site: Site, known: frozenset[str]) -> None:
        self.app = app
        self.site = site
        self.known = known

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path.startswith(control.PREFIX + "/"):
            await self._guarded(scope, receive, send)
            return
        static = path.startswith(STATIC_PREFIX + "/")
        site = self.site
        with site.lock:
            stats = site.stats
            stats.requests += 1
            name = "static" if static else path if path in self.known else "other"
            stats.by_endpoint[f"{scope['method']} {name}"] += 1
            latency = 0.0 if static else site.faults.latency_s()
            failing = not static and site.faults.failing()
            throttled = not failing and path in _THROTTLED and site.faults.throttled()
            if failing:
                stats.injected_failures += 1
            if throttled:
                stats.throttled += 1
        if latency:
            await asyncio.sleep(latency)
        response: Response | None = None
        if failing:
            request = Request(scope)
            response = (
                JSONResponse({"message": "Service Unavailable"}, status_code=503)
                if _is_api(path)
                else error_page(request, 503)
            )
        elif throttled:
            response = JSONResponse(
                {"__type": "ThrottlingException", "message": "Rate exceeded"},
                status_code=429,
                headers={"retry-after": "1"},
            )
        if response is not None:
            self._count_status(response.status_code)
            try:
                await response(scope, receive, send)
            except _GONE:
                self._client_gone(scope)
            return
        await self._guarded(scope, receive, send, count=True)

    def _client_gone(self, scope: Scope) -> None:
        with self.site.lock:
            self.site.stats.disconnects += 1
        _log.debug("mock site: the client went away during %s", scope.get("path"))

    def _count_status(self, status: int) -> None:
        with self.site.lock:
            self.site.stats.by_status[str(status)] += 1

    async def _guarded(
        self, scope: Scope, receive: Receive, send: Send, count: bool = False
    ) -> None:
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if count:
                    self._count_status(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except _GONE:
            self._client_gone(scope)
        except Exception:
            _log.exception("mock site: unexpected error on %s", scope.get("path"))
            if not started:
                if count:
                    self._count_status(500)
                answer = JSONResponse({"message": "Internal Server Error"}, status_code=500)
                await answer(scope, receive, send)


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 404 and not _is_api(request.url.path) and request.method == "GET":
        return error_page(request, 404)
    site_of(request).stats.bad_requests += status == 400
    messages = {404: "Not Found", 405: "Method Not Allowed"}
    return JSONResponse({"message": messages.get(status, "Bad Request")}, status_code=status)


def build_app(site: Site) -> Starlette:
    routes: list[BaseRoute] = [
        *signin.ROUTES,
        *interstitials.ROUTES,
        *activity.ROUTES,  # before pages: its activity page is the one served
        *pages.ROUTES,
        *api.ROUTES,
        *plus.ROUTES,
        *control.ROUTES,
        Mount(
            STATIC_PREFIX,
            StaticFiles(directory=Path(__file__).parent / "static"),
            name="static",
        ),
    ]
    known = frozenset(r.path for r in routes if isinstance(r, Route))
    app = Starlette(
        routes=routes,
        middleware=[Middleware(Gate, site=site, known=known)],
        exception_handlers={404: _http_error, 405: _http_error, 400: _http_error},
    )
    app.state.site = site
    return app
