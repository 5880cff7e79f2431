"""Faults a real backend shows, each switched on by its own MockConfig option.

Latency (and spikes of it), throttling (a token bucket: 429 "Rate exceeded" on the JSON and
audio endpoints above rate_limit requests/s), a fraction of 503s, and outages (every request
answered 503 for fail_burst_s seconds out of every fail_burst_every_s). Session expiry lives in
auth.py. The random draws come from a seeded generator so that a fault test can be repeated
exactly.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

from voicewipe.mock.config import MockConfig


@dataclass
class TokenBucket:
    """`rate` tokens per second, at most `capacity` saved up; a request takes one."""

    rate: float
    capacity: float
    tokens: float = 0.0
    stamp: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.tokens = self.capacity

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


@dataclass
class Faults:
    config: MockConfig
    rng: random.Random = field(init=False)
    bucket: TokenBucket | None = field(init=False)
    started: float = field(default_factory=time.monotonic)  # the outages' clock

    def __post_init__(self) -> None:
        self.rng = random.Random(f"faults-{self.config.seed}")
        self.bucket = None
        if self.config.rate_limit > 0:
            rate = self.config.rate_limit
            capacity = self.config.rate_burst or max(1.0, rate)
            self.bucket = TokenBucket(rate=rate, capacity=capacity)

    def latency_s(self) -> float:
        spike = self.config.latency_spike_rate > 0 and (
            self.rng.random() < self.config.latency_spike_rate
        )
        return (self.config.latency_ms + (self.config.latency_spike_ms if spike else 0)) / 1000

    def throttled(self) -> bool:
        """True: answer 429. Only asked for the JSON and audio endpoints."""
        return self.bucket is not None and not self.bucket.take()

    def failing(self) -> bool:
        """True: answer 503."""
        return self.in_outage() or (
            self.config.fail_rate > 0 and self.rng.random() < self.config.fail_rate
        )

    def in_outage(self) -> bool:
        """Whether an outage is on: the last fail_burst_s of every fail_burst_every_s
        seconds (so that a run has its first seconds to sign in)."""
        length, every = self.config.fail_burst_s, self.config.fail_burst_every_s
        if length <= 0:
            return False
        into = (time.monotonic() - self.started) % every
        return into >= every - length
