"""/__mock__/: inspect and steer the mock from tests, benchmarks and the CLI's user.

Never linked from the pages, never counted in the request statistics, never slowed down or
failed by the faults. Bodies are JSON objects; bad ones get 400 {"message": ...} and change
nothing.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from voicewipe.mock.web import site_of

PREFIX = "/__mock__"


async def _body(request: Request) -> dict[str, Any] | JSONResponse:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        return JSONResponse({"message": "body must be JSON"}, status_code=400)
    if not isinstance(value, dict):
        return JSONResponse({"message": "body must be a JSON object"}, status_code=400)
    return value


async def state(request: Request) -> Response:
    return JSONResponse(site_of(request).state())


async def config(request: Request) -> Response:
    site = site_of(request)
    with site.lock:
        return JSONResponse(site.config.to_json())


async def reset(request: Request) -> Response:
    """Fresh data, sessions and counters; the body may change options first (any option)."""
    body = await _body(request)
    if isinstance(body, JSONResponse):
        return body
    try:
        site_of(request).reset(**body)
    except ValueError as error:
        return JSONResponse({"message": str(error)}, status_code=400)
    return JSONResponse({"ok": True})


async def configure(request: Request) -> Response:
    """Change options now (not the data ones) and run actions: expire_sessions, unlock,
    approve."""
    body = await _body(request)
    if isinstance(body, JSONResponse):
        return body
    try:
        done = site_of(request).configure(**body)
    except ValueError as error:
        return JSONResponse({"message": str(error)}, status_code=400)
    return JSONResponse({"ok": True, **done})


async def approve(request: Request) -> Response:
    """Approve every pending "approve on your phone" sign-in."""
    site = site_of(request)
    with site.lock:
        count = site.auth.approve()
    return JSONResponse({"ok": True, "approved": count})


async def solve(request: Request) -> Response:
    """Solve every pending puzzle CAPTCHA (signin's captcha="puzzle"): what only a person can
    do on Amazon's page."""
    site = site_of(request)
    with site.lock:
        count = site.auth.solve()
    return JSONResponse({"ok": True, "solved": count})


async def arrive(request: Request) -> Response:
    """New voice recordings said just now: body {"recordings": N}, with "late_s": S for ones
    said S seconds before the newest record, "ago_s": S for S seconds before now; answers
    their keys."""
    body = await _body(request)
    if isinstance(body, JSONResponse):
        return body
    try:
        keys = site_of(request).arrive(
            body.get("recordings", 1), body.get("late_s", 0), body.get("ago_s", 0)
        )
    except ValueError as error:
        return JSONResponse({"message": str(error)}, status_code=400)
    return JSONResponse({"ok": True, "keys": keys})


async def keys(request: Request) -> Response:
    """?history=voice|sounds|smart_home: the keys on the site now, and those deleted."""
    try:
        found = site_of(request).keys(request.query_params.get("history", "voice"))
    except ValueError as error:
        return JSONResponse({"message": str(error)}, status_code=400)
    return JSONResponse(found)


ROUTES = [
    Route(f"{PREFIX}/state", state, methods=["GET"]),
    Route(f"{PREFIX}/config", config, methods=["GET"]),
    Route(f"{PREFIX}/reset", reset, methods=["POST"]),
    Route(f"{PREFIX}/configure", configure, methods=["POST"]),
    Route(f"{PREFIX}/approve", approve, methods=["POST"]),
    Route(f"{PREFIX}/solve", solve, methods=["POST"]),
    Route(f"{PREFIX}/arrive", arrive, methods=["POST"]),
    Route(f"{PREFIX}/keys", keys, methods=["GET"]),
]
