"""What the site's faults cost a run, counted as they happen: requests asked again after a
server error (a 5xx, no answer) or after throttling, and the time lost waiting to ask again.

While the site is failing or throttling hard, a line says so on the terminal and in the log
at most every EVERY_S seconds, with what happened in the last WINDOW_S seconds:

    the site is failing: 37 requests answered 5xx or not at all and were retried in the last
    30 s (rate now 18/s, 41 s lost so far)

Time lost is wall time during which at least one request was waiting to be asked again (its
backoff, or the pause the site asked for), however many waited at once: what the run would
have saved had the site not failed. The summary carries the totals (`retries`).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from loguru import logger

WINDOW_S = 30.0  # the line tells of this many seconds
EVERY_S = 12.0  # and comes at most this often
# Throttling is how the pacer finds the site's rate (a few 429s are normal): it is told of
# only when this many requests were throttled in the window.
THROTTLED_TO_TELL = 10

Fault = Literal["server", "throttled"]


@dataclass
class Trouble:
    server_errors: int = 0  # requests asked again after a 5xx or no answer
    throttled: int = 0  # requests asked again after the site said "slow down"
    _lost_s: float = 0.0
    _waiting: int = 0  # requests waiting to be asked again now
    _since: float = 0.0  # when the current stretch of waiting began
    _said_at: float = float("-inf")
    _recent: deque[tuple[float, Fault]] = field(default_factory=deque)

    def retried(self, fault: Fault, rate: float) -> None:
        """A request is about to be asked again after `fault`; `rate`: its origin's pace now."""
        now = time.monotonic()
        if fault == "server":
            self.server_errors += 1
        else:
            self.throttled += 1
        self._recent.append((now, fault))
        while self._recent and self._recent[0][0] < now - WINDOW_S:
            self._recent.popleft()
        if now - self._said_at >= EVERY_S:
            line = self.line(rate)
            if line:
                self._said_at = now
                logger.warning(line)

    def line(self, rate: float) -> str | None:
        """What the last WINDOW_S seconds looked like, if worth telling."""
        server = sum(1 for _, fault in self._recent if fault == "server")
        throttled = len(self._recent) - server
        if not server and throttled < THROTTLED_TO_TELL:
            return None
        pace = f"{rate:.0f}/s" if rate >= 10 else f"{rate:.1f}/s"
        costs = f"(rate now {pace}, {self.lost_s():.0f} s lost so far)"
        window = f"in the last {WINDOW_S:.0f} s"
        if server and throttled:
            return (
                f"the site is failing and throttling: {_requests(server)} answered 5xx or not "
                f"at all and {throttled} were throttled, and were asked again {window} {costs}"
            )
        if server:
            return (
                f"the site is failing: {_requests(server)} answered 5xx or not at all and "
                f"{'was' if server == 1 else 'were'} retried {window} {costs}"
            )
        return f"the site is throttling: {throttled} requests were asked again {window} {costs}"

    @contextmanager
    def waiting(self) -> Iterator[None]:
        """A request waits to be asked again for the duration of the block."""
        if self._waiting == 0:
            self._since = time.monotonic()
        self._waiting += 1
        try:
            yield
        finally:
            self._waiting -= 1
            if self._waiting == 0:
                self._lost_s += time.monotonic() - self._since

    def lost_s(self) -> float:
        ongoing = time.monotonic() - self._since if self._waiting else 0.0
        return self._lost_s + ongoing

    def summary(self) -> dict[str, Any]:
        return {
            "server_errors": self.server_errors,
            "throttled": self.throttled,
            "time_lost_s": round(self.lost_s(), 1),
        }


def _requests(count: int) -> str:
    return "1 request" if count == 1 else f"{count} requests"
