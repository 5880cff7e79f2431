"""Windows side by side (steps/_paginate.py) against a feed in memory that pages as the Alexa
feed does (newest first, a token per page, the token tied to its query): every item comes
exactly once, however the times fall (clusters, many items at one millisecond, empty
stretches), and the windows spread the pages over the concurrency allowed."""

from __future__ import annotations

import asyncio
import json
import random
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voicewipe.steps._paginate import Paging, Windows, paginate_windows

pytestmark = pytest.mark.unit  # the windows against a feed in memory


class Feed:
    """A paginated, newest-first feed over (time, key) items; counts what it was asked."""

    def __init__(self, times: list[int], page_size: int, keyless: int = 0) -> None:
        self.items = sorted(((t, f"k{i:05d}") for i, t in enumerate(times)), reverse=True)
        self.page_size = page_size
        self.keyless = keyless  # every keyless-th item has no recordKey (as Alexa+ records)
        self.requests = 0
        self.in_flight = self.most_in_flight = 0

    async def fetch(self, parts: dict[str, Any]) -> dict[str, Any]:
        self.requests += 1
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0)  # let other windows ask meanwhile
            low, high = int(parts["params"]["startTime"]), int(parts["params"]["endTime"])
            token = (parts["json"] or {}).get("previousRequestToken")
            after = json.loads(token) if token else None
            if after is not None:
                assert after[2:] == [low, high], "a token used for another query"
            chosen = [
                (t, k)
                for t, k in self.items
                if low <= t <= high and (after is None or (t, k) < (after[0], after[1]))
            ]
            page = chosen[: self.page_size]
            more = len(chosen) > self.page_size
            return {
                "records": [self._item(t, k) for t, k in page],
                "next": json.dumps([*page[-1], low, high]) if more else None,
            }
        finally:
            self.in_flight -= 1

    def _item(self, time: int, key: str) -> dict[str, Any]:
        if self.keyless and int(key[1:]) % self.keyless == 0:
            return {"timestamp": time, "text": key}  # known by its content alone
        return {"timestamp": time, "recordKey": key, "text": key}


def _list(feed: Feed, low: int, high: int, *, windows: int = 1, concurrency: int = 16):
    got: list[str] = []

    async def deliver(items: list[Any], more: bool, last: bool) -> None:
        got.extend(item["text"] for item in items)

    parts = {"params": {"startTime": low, "endTime": high}, "json": {}, "headers": None}
    paging = Paging("records", "next", "json.previousRequestToken", 100_000)
    split = Windows(
        "params.startTime", "params.endTime", "timestamp", "recordKey", windows, 2, concurrency
    )
    with ThreadPoolExecutor(1) as thread:  # a loop of its own, whatever runs in this thread
        pages, listed = thread.submit(
            asyncio.run, paginate_windows(feed.fetch, parts, paging, split, deliver)
        ).result()
    return got, pages, listed


def _expected(feed: Feed, low: int, high: int) -> list[str]:
    return sorted(k for t, k in feed.items if low <= t <= high)


@settings(max_examples=60, deadline=None)
@given(
    times=st.lists(st.integers(0, 10_000), max_size=300),
    same=st.integers(0, 40),
    page_size=st.integers(1, 12),
    windows=st.integers(1, 20),
    concurrency=st.integers(1, 20),
)
def test_every_item_comes_exactly_once(times, same, page_size, windows, concurrency):
    feed = Feed([*times, *[5_000] * same], page_size)  # a crowd at one millisecond
    got, pages, _ = _list(feed, 0, 10_000, windows=windows, concurrency=concurrency)
    assert sorted(got) == _expected(feed, 0, 10_000)
    assert pages == feed.requests
    assert feed.most_in_flight <= concurrency


@settings(max_examples=40, deadline=None)
@given(
    times=st.lists(st.integers(0, 10_000), min_size=1, max_size=300),
    same=st.integers(0, 20),
    keyless=st.integers(1, 4),
    page_size=st.integers(1, 12),
    windows=st.integers(1, 20),
)
def test_items_without_a_key_come_exactly_once_too(times, same, keyless, page_size, windows):
    """Items lacking the split's key (an Alexa+ conversation has no activityKey) are neither
    lost nor doubled where windows are halved: they are known by their whole content."""
    feed = Feed([*times, *[5_000] * same], page_size, keyless=keyless)
    got, _, _ = _list(feed, 0, 10_000, windows=windows, concurrency=16)
    assert sorted(got) == _expected(feed, 0, 10_000)


def test_a_range_not_from_zero_gets_only_its_items():
    feed = Feed(list(range(0, 100_000, 7)), 10)
    got, _, _ = _list(feed, 30_000, 60_000)
    assert sorted(got) == _expected(feed, 30_000, 60_000)


def test_recent_records_of_a_range_from_1970_are_spread_over_the_windows():
    """A history's recordings are recent, and a range may start in 1970: the window holding
    them is halved until the windows run side by side, and few pages are half empty."""
    now = 1_790_000_000_000
    rng = random.Random(7)
    times = [now - rng.randrange(2 * 365 * 86_400_000) for _ in range(20_000)]
    feed = Feed(times, 50)
    got, pages, listed = _list(feed, 0, now)
    assert sorted(got) == _expected(feed, 0, now)
    assert feed.most_in_flight >= 12  # the listing reached the concurrency allowed
    assert listed > 16
    least = 20_000 // 50 + 1
    assert pages <= least * 1.15, f"{pages} pages for {least} pages' worth of records"


def test_a_failing_window_stops_the_others():
    feed = Feed(list(range(1000)), 5)
    real = feed.fetch

    async def failing(parts: dict[str, Any]) -> dict[str, Any]:
        if feed.requests == 20:
            raise RuntimeError("the site broke")
        return await real(parts)

    feed.fetch = failing  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="the site broke"):
        _list(feed, 0, 1000)
