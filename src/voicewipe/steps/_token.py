"""A request's token going stale (the Alexa pages' CSRF token after some hours): read again by
the flow's own steps, once for every request of the step that meets the refusal.

A listing runs up to 64 windows side by side, and when the token goes stale all of them meet
the 403 within a few milliseconds: the first to arrive runs the refresh, the others wait for
it and go again with its headers. Each request remembers which token it carried (a
generation), so a 403 to a token already replaced only sends the request again. A token the
refresh has just given that is refused before any request with it was accepted is not
refreshed again: the site does not take what its own page gives, and the run stops.

Nothing of this runs while no refusal comes: a request asks for `headers(...)`, which hands
back the step's own headers until a refresh has changed one.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from voicewipe.errors import StepFailed
from voicewipe.flow.steps.request import Refresh
from voicewipe.runner.context import StepContext


@dataclass
class StaleToken:
    """The refresh state of one request step while it runs."""

    ctx: StepContext
    refresh: Refresh
    rendered: dict[str, str]  # the headers as the step first rendered them
    source: Any  # the step's headers, unrendered
    generation: int = 0
    proven: bool = True  # a request carrying the current token was accepted
    overlay: dict[str, str] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def statuses(self) -> tuple[int, ...]:
        return self.refresh.statuses

    def headers(self, headers: Any) -> Any:
        """The headers to send: the step's, with what a refresh changed."""
        if not self.overlay:
            return headers
        return {**(headers or {}), **self.overlay}

    def accepted(self, generation: int) -> None:
        if generation == self.generation:
            self.proven = True

    async def renew(self, generation: int, what: str, status: int) -> None:
        """After a refusal of the token of `generation`: refresh it (unless another request
        already has), or stop when it is the fresh one refused."""
        async with self.lock:
            if generation < self.generation:
                return  # another request refreshed it meanwhile
            if generation > 0 and not self.proven:
                raise StepFailed(
                    f"{what} answered {status} again with a token read afresh: the site "
                    "refuses the token its own page gives (signed out, or the page changed)",
                    kind="http",
                    status=status,
                )
            self.ctx.record.details["token_refreshed"] = generation + 1
            await self.ctx.run_steps(self.refresh.steps, self.ctx.scope.child())
            fresh = self.ctx.render_data(self.source) or {}
            self.overlay = {
                name: value for name, value in fresh.items() if self.rendered.get(name) != value
            }
            self.generation += 1
            self.proven = False


def stale_token(
    ctx: StepContext, refresh: Refresh | None, source: Any, rendered: Any
) -> StaleToken | None:
    """The refresh state for a step that has `refresh`, else None."""
    if refresh is None:
        return None
    return StaleToken(ctx, refresh, dict(rendered or {}), source)
