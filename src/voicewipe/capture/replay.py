"""Running the flows against a capture: every request the run makes (the browser's, through
routing; the steps' own, through the run's wire) answered from the recorded exchanges, with
no network at all. A request the capture cannot answer is said in one line naming it: a
step's own request stops the run there; a page's is answered 404 (as a site would for a
missing file), and the steps after it meet what that leaves on the page.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from loguru import logger
from playwright.async_api import BrowserContext, Route

from voicewipe.capture.har import Capture, Exchange
from voicewipe.capture.match import Request, reduce
from voicewipe.capture.recorder import body_text, full_url
from voicewipe.errors import StepFailed
from voicewipe.runner.wire import Response

# Bodies are stored as the browser handed them over: decoded, whole.
_DROPPED = frozenset({"content-encoding", "content-length", "transfer-encoding"})


class ReplayMiss(StepFailed):
    """A request the capture has no answer for."""


@dataclass
class Replayed:
    """A recorded response, read as the steps read an APIResponse (runner.wire.Response)."""

    exchange: Exchange

    @property
    def status(self) -> int:
        return self.exchange.status

    @property
    def status_text(self) -> str:
        return self.exchange.status_text

    @property
    def headers(self) -> dict[str, str]:
        return dict(_headers(self.exchange))

    async def body(self) -> bytes:
        return self.exchange.body

    async def dispose(self) -> None:
        return None


def _headers(exchange: Exchange) -> list[tuple[str, str]]:
    return [(k, v) for k, v in exchange.response_headers if k not in _DROPPED]


async def _fulfil(route: Route, found: Exchange) -> None:
    await route.fulfill(status=found.status, headers=dict(_headers(found)), body=found.body)


def _ms(iso: str) -> int | None:
    try:
        return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)
    except ValueError:
        return None


class Replay:
    """A Wire (runner.wire) that answers from a capture."""

    rehearses = True

    def __init__(
        self, capture: Capture, path: Path, *, times: Collection[str], ignore: Collection[str]
    ) -> None:
        self.capture, self.path = capture, path
        self._times, self._ignore = frozenset(times), frozenset(ignore)
        self._recorded: dict[Any, list[tuple[Request, Exchange]]] = {}
        for exchange in capture.exchanges:
            reduced = self._reduce(exchange.method, exchange.url, exchange.request_body)
            self._recorded.setdefault(reduced.key, []).append((reduced, exchange))
        self._served: set[int] = set()
        began = min(filter(None, (_ms(e.started) for e in capture.exchanges)), default=None)
        self.began_ms = began
        # How much later than the capture this replay runs: its times are moved back by it.
        self.shift_ms = int(time.time() * 1000) - began if began else 0
        self.misses: list[str] = []

    def _reduce(self, method: str, url: str, body: str | None) -> Request:
        return reduce(method, url, body, times=self._times, ignore=self._ignore)

    def answer(self, method: str, url: str, body: str | None) -> Exchange | None:
        """The recorded exchange that answers this request; None when there is none. Of
        several that match, the first not served yet (a listing asked again, by export and
        then by delete's check, answers as it did each time), else the last."""
        wanted = self._reduce(method, url, body)
        near = [
            exchange
            for recorded, exchange in self._recorded.get(wanted.key, ())
            if wanted.distance(recorded, self.shift_ms) is not None
        ]
        if not near:
            return None
        chosen = next((e for e in near if id(e) not in self._served), near[-1])
        self._served.add(id(chosen))
        return chosen

    def _missed(self, method: str, url: str, asked_by: str) -> str:
        said = (
            f"{self.path.name} has no answer for {method} {url} ({asked_by}): the capture did "
            "not record it; a capture made with `voicewipe capture --full` answers every "
            "request of the rehearsals"
        )
        self.misses.append(said)
        return said

    async def attach(self, context: BrowserContext) -> None:
        # The pages' scripts ask for what their clock says ("today", "up to now"): they run on
        # the capture's time, going on from there, so that they ask what they asked then.
        if self.began_ms is not None:
            await context.clock.install(time=self.began_ms / 1000)
        await context.route("**/*", self._route)

    async def detach(self, context: BrowserContext) -> None:
        return None

    async def _route(self, route: Route) -> None:
        request = route.request
        found = self.answer(request.method, request.url, request.post_data)
        if found is None:
            logger.warning(f"replay: {self._missed(request.method, request.url, 'the page')}")
            await route.fulfill(status=404, content_type="text/plain", body="not in the capture")
            return
        location = found.header("location")
        if 300 <= found.status < 400 and location:
            await self._redirect(route, urljoin(request.url, location))
            return
        await _fulfil(route, found)

    async def _redirect(self, route: Route, location: str) -> None:
        """A recorded redirect. Chromium follows a fulfilled redirect past the routing (to the
        network, where there is nothing): a page's navigation is sent on to the new address
        the way Playwright's own HAR replay does it (a private call: there is no public
        one), and any other request gets the answer at the end of the redirects at once."""
        if route.request.is_navigation_request():
            await route._impl_obj._redirect_navigation_request(location)
            return
        for _ in range(10):
            found = self.answer("GET", location, None)
            if found is None:
                logger.warning(f"replay: {self._missed('GET', location, 'a redirect')}")
                await route.fulfill(status=404, content_type="text/plain", body="not captured")
                return
            target = found.header("location")
            if not (300 <= found.status < 400 and target):
                await _fulfil(route, found)
                return
            location = urljoin(location, target)
        await route.abort("failed")

    async def fetch(self, context: BrowserContext, url: str, **request: Any) -> Response:
        method = str(request.get("method") or "GET").upper()
        address = full_url(url, request.get("params"))
        found = self.answer(method, address, body_text(request))
        if found is None:
            raise ReplayMiss(self._missed(method, address, "a step"), kind="failed")
        return Replayed(found)


def open_replay(path: Path, flows: Path) -> Replay:
    """The capture at `path`, to replay with the matching rules of a flows folder
    (scrub.yaml's `replay`)."""
    from voicewipe.capture import har
    from voicewipe.capture.rules import load_rules

    rules = load_rules(flows).replay
    return Replay(har.read(path), path, times=rules.times, ignore=rules.ignore)
