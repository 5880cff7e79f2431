"""How fast requests go to a site: as fast as it accepts, and no faster.

Every request a flow makes through the signed-in context (request, download by address) takes a
slot from its origin's Pacer first. The pacer spaces the slots at its current rate and learns
that rate from the answers, the way TCP learns a window (AIMD):

- it starts at a modest rate and doubles it every second while nothing is throttled;
- a throttled answer (429, a 5xx with Retry-After, or a body saying so) pauses every request
  to that origin for as long as the site asks (Retry-After; else the request's own growing
  wait) and cuts the rate by a fifth: once per episode, since the requests already under way
  when the site began refusing say nothing new;
- a server error (a 5xx without Retry-After, no answer at all) leaves the rate alone: a
  failing backend is not asking for fewer requests, and cutting the rate for each of them
  would bring a long export down to its floor (the failed request alone waits, and is asked
  again: voicewipe.steps.request);
- after that the rate grows slowly, a few per cent a second, probing for what the site now
  accepts.

So a long export runs close to the site's limit with few 429s, and a site that tightens its
limit (or a real Amazon that throttles hard) is followed down at once. The throttled request
itself is asked again after the pause (see voicewipe.steps._fetch.fetch).

Requests wait their turn in two queues: `first` (a listing's pages, each of which holds up the
next one) goes before the rest (downloads, of which many wait at once).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from voicewipe.runner.trouble import Trouble

START_RATE = 100.0  # requests/s before anything is known (then doubling each second)
MIN_RATE = 0.2
MAX_RATE = 5000.0
CUT = 0.8  # the rate after a throttled episode, as a fraction of the rate before it
PROBE = 0.03  # once throttled: the rate grows by this fraction a second


@dataclass
class Pacer:
    rate: float = START_RATE
    slow_start: bool = True
    throttled: int = 0  # answers that said "slow down", for the record
    cuts: int = 0  # throttled episodes (each cut the rate once)
    trouble: Trouble = field(default_factory=Trouble)  # the run's, shared by every origin
    _next: float = 0.0  # monotonic time of the next free slot
    _paused_until: float = 0.0
    _cut_at: float = -1.0  # when the rate was last cut
    _queues: tuple[deque[asyncio.Future[float]], ...] = field(
        default_factory=lambda: (deque(), deque())
    )
    _turns: asyncio.Task[None] | None = None

    async def slot(self, *, first: bool = False) -> float:
        """Wait for this request's turn; returns when it goes (monotonic time)."""
        turn: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._queues[0 if first else 1].append(turn)
        if self._turns is None or self._turns.done():
            self._turns = asyncio.create_task(self._give_turns())
        return await turn

    async def _give_turns(self) -> None:
        """Hand out turns, `1/rate` apart and none while paused, first-queue first."""
        while any(self._queues):
            now = time.monotonic()
            due = max(self._next, self._paused_until)
            if due > now:
                await asyncio.sleep(due - now)
                continue  # the rate or a pause may have changed meanwhile
            queue = self._queues[0] or self._queues[1]
            turn = queue.popleft()
            if not turn.done():  # its request was cancelled meanwhile
                turn.set_result(now)
                self._next = now + 1.0 / self.rate

    def accepted(self) -> None:
        """An answer that was not throttled: grow the rate (fast until the first throttling)."""
        # One success per slot: +1 each doubles the rate every second; +PROBE a second after.
        self.rate = min(MAX_RATE, self.rate + (1.0 if self.slow_start else PROBE))

    def refused(self, sent_at: float, wait: float) -> None:
        """A throttled answer to a request sent at `sent_at`: pause everyone for `wait` s, and
        cut the rate once per episode."""
        now = time.monotonic()
        self.throttled += 1
        self._paused_until = max(self._paused_until, now + wait)
        if sent_at > self._cut_at:
            self.rate = max(MIN_RATE, self.rate * CUT)
            self.slow_start = False
            self.cuts += 1
            self._cut_at = now


class Pacers:
    """One pacer per origin, for one run: the rate a site grants belongs to the signed-in
    session talking to it (the run's one browser context), and goes away with the run."""

    def __init__(self) -> None:
        self._by_origin: dict[str, Pacer] = {}
        self.trouble = Trouble()

    def for_url(self, url: str) -> Pacer:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._by_origin:
            self._by_origin[origin] = Pacer(trouble=self.trouble)
        return self._by_origin[origin]
