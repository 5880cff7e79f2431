"""Where a run's requests go: to the site (the default), or through a Wire that records them
(voicewipe capture) or answers them from a capture (--replay).

The browser's own requests (pages, their scripts and JSON) are seen through the context
(`attach`); the requests the steps send themselves (request, download) go through `fetch`,
which a Wire answers itself when it replays: Playwright's routing never sees those.
"""

from __future__ import annotations

from typing import Any, Protocol

from playwright.async_api import BrowserContext


class Response(Protocol):
    """What the steps read of an answer (Playwright's APIResponse is one)."""

    @property
    def status(self) -> int: ...

    @property
    def status_text(self) -> str: ...

    @property
    def headers(self) -> dict[str, str]: ...

    async def body(self) -> bytes: ...

    async def dispose(self) -> None: ...


class Wire(Protocol):
    # Destructive steps are rehearsed whatever the command was told: a capture's walk must
    # never change the account, and a replay has nothing to change.
    rehearses: bool

    async def attach(self, context: BrowserContext) -> None:
        """The run's browser context, once, before its first page opens."""

    async def detach(self, context: BrowserContext) -> None:
        """The run is ending: the context is about to close."""

    async def fetch(self, context: BrowserContext, url: str, **request: Any) -> Response:
        """One request a step sends (APIRequestContext.fetch's keyword arguments)."""


async def send(context: BrowserContext, wire: Wire | None, url: str, **request: Any) -> Response:
    """A step's request: through the run's wire when it has one, else to the site."""
    if wire is None:
        return await context.request.fetch(url, **request)
    return await wire.fetch(context, url, **request)
