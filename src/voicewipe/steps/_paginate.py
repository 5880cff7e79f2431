"""Following a pagination token, in one stretch or in time windows side by side.

A feed like Alexa's gives a page at a time, and each page's token is needed for the next: one
pagination is bound by the site's latency (2,000 pages at 50 ms: 100 s), however fast the
site would answer requests side by side. `split` cuts the time range the request carries into
windows, each paginated on its own, several at once, so that the listing goes at the site's
rate limit instead (2,000 pages at 200 requests/s: 10 s).

Where the records lie is not known beforehand (most of a history is recent, and a range may
start in 1970), so the windows adapt: it starts with one window (or a few of equal time), and
while fewer windows run than `concurrency` allows, a window still paginating after
`after_pages` pages stops and its unlisted part is halved into two new windows. Dense
stretches end up spread over many windows, an empty half costs one request, and a history of
a page or two is listed as before, one page after another. Splitting only while there is room
keeps the windows few, so that few pages are half empty (every window ends on one).

Items come newest first within a window (as the Alexa feeds give them; oldest first works as
well). A window's unlisted part after a page is [start, the oldest time seen], that time
included: records sharing it may be on the next page. The keys already given at that time are
skipped in the new windows, so every item is given once.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from voicewipe import jsonlines
from voicewipe.errors import StepFailed
from voicewipe.flow.filters import get_path

# What a window's requests carry: {"params": ..., "headers": ..., "json": ...}.
Parts = dict[str, Any]
# One page's items handed on: (items, more: the window has another page, last: none will be asked).
Deliver = Callable[[list[Any], bool, bool], Awaitable[None]]
# One request with these parts; returns the answer's JSON.
Fetch = Callable[[Parts], Awaitable[Any]]


def put(parts: Parts, dotted: str, value: Any) -> None:
    """Set `where.key.sub` (where: json, params or headers) in the request's parts."""
    where, _, path = dotted.partition(".")
    target = parts[where] = dict(parts.get(where) or {})
    *outer, last = path.split(".")
    for part in outer:
        target[part] = dict(target.get(part) or {})
        target = target[part]
    target[last] = value


@dataclass(frozen=True)
class Paging:
    """What a pagination needs, rendered: where the items and the token are, and the limits."""

    items: str
    next: str
    send: str
    max_pages: int


@dataclass(frozen=True)
class Windows:
    """How to cut the range into windows (rendered from the flow's `split`)."""

    start: str  # where a request carries its window's start: params.startTime
    end: str  # and its end
    time: str  # an item's time (ms), a dotted path
    key: str  # an item's identity, a dotted path
    windows: int
    after_pages: int
    concurrency: int


async def paginate(fetch: Fetch, parts: Parts, paging: Paging, deliver: Deliver) -> int:
    """One pagination over the whole range; returns the pages asked for."""
    pages = 0
    while True:
        page = await fetch(parts)
        pages += 1
        found = _items(page, paging.items)
        token = get_path(page, paging.next)
        more = token not in (None, "")
        last = not more or pages >= paging.max_pages
        await deliver(found, more, last)
        if last:
            return pages
        parts = dict(parts)
        put(parts, paging.send, token)


@dataclass
class _Window:
    low: int
    high: int
    skip: frozenset[Any] = frozenset()  # keys at `high` already given by the window before


@dataclass
class _Listing:
    fetch: Fetch
    parts: Parts
    paging: Paging
    split: Windows
    deliver: Deliver
    queue: asyncio.Queue[_Window | None] = field(default_factory=asyncio.Queue)
    open_windows: int = 0  # queued or running
    pages: int = 0
    windows: int = 0


async def paginate_windows(
    fetch: Fetch, parts: Parts, paging: Paging, split: Windows, deliver: Deliver
) -> tuple[int, int]:
    """Paginate [start, end] (read from the parts) in adaptive windows side by side; returns
    the pages asked for and the windows listed."""
    low, high = _bound(parts, split.start), _bound(parts, split.end)
    listing = _Listing(fetch, parts, paging, split, deliver)
    for window in _equal_windows(low, high, split.windows):
        listing.open_windows += 1
        listing.queue.put_nowait(window)
    workers = [asyncio.create_task(_worker(listing)) for _ in range(split.concurrency)]
    try:
        await asyncio.gather(*workers)
    finally:
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    return listing.pages, listing.windows


async def _worker(listing: _Listing) -> None:
    while True:
        window = await listing.queue.get()
        if window is None:  # every window is listed: the others stop too
            listing.queue.put_nowait(None)
            return
        await _list_window(listing, window)
        listing.open_windows -= 1
        if listing.open_windows == 0:
            listing.queue.put_nowait(None)


async def _list_window(listing: _Listing, window: _Window) -> None:
    split, paging = listing.split, listing.paging
    listing.windows += 1
    parts = copy.deepcopy(listing.parts)
    put(parts, split.start, window.low)
    put(parts, split.end, window.high)
    pages = 0
    oldest: int | None = None  # the oldest time given so far, and the keys given at it
    at_oldest: set[Any] = set()
    coming: asyncio.Task[Any] = asyncio.ensure_future(listing.fetch(parts))
    try:
        while True:
            page = await coming
            pages += 1
            listing.pages += 1
            # Only items at the window's newest time can have been given by the window it
            # was halved from.
            found = [
                item
                for item in _items(page, paging.items)
                if not (
                    window.skip
                    and _time(item, split) == window.high
                    and _key(item, split) in window.skip
                )
            ]
            for item in found:
                when = _time(item, split)
                if oldest is None or when < oldest:
                    oldest, at_oldest = when, set()
                if when == oldest:
                    at_oldest.add(_key(item, split))
            token = get_path(page, paging.next)
            more = token not in (None, "")
            halve = (
                more
                and pages >= split.after_pages
                and listing.open_windows < split.concurrency
                and oldest is not None
                # Not while the pages are still at the window's newest time: halving there
                # would list again what the window gave (a crowd of items at one millisecond).
                and window.low < oldest < window.high
            )
            last = not more or (pages >= paging.max_pages and not halve)
            # What comes next is asked for before this page is handed on, so that the site
            # is kept busy while the page's items are worked through.
            if halve:
                assert oldest is not None
                _halve(listing, _Window(window.low, oldest, frozenset(at_oldest)))
            elif not last:
                put(parts, paging.send, token)
                coming = asyncio.ensure_future(listing.fetch(copy.copy(parts)))
            await listing.deliver(found, more, last and not halve)
            if halve or last:
                return
    finally:
        if not coming.done():
            coming.cancel()
            await asyncio.gather(coming, return_exceptions=True)


def _halve(listing: _Listing, rest: _Window) -> None:
    """The window's unlisted part, as two new windows: the newer half first."""
    middle = rest.low + (rest.high - rest.low) // 2
    for part in (_Window(middle + 1, rest.high, rest.skip), _Window(rest.low, middle)):
        listing.open_windows += 1
        listing.queue.put_nowait(part)


def _equal_windows(low: int, high: int, count: int) -> list[_Window]:
    """[low, high] in `count` windows of equal time (fewer when it is shorter), newest first."""
    count = max(1, min(count, high - low + 1))
    step = (high - low + 1) // count
    bounds = [low + i * step for i in range(count)] + [high + 1]
    windows = [_Window(a, b - 1) for a, b in itertools.pairwise(bounds)]
    return windows[::-1]


def _items(page: Any, path: str) -> list[Any]:
    found = get_path(page, path)
    return found if isinstance(found, list) else []


def _bound(parts: Parts, dotted: str) -> int:
    where, _, path = dotted.partition(".")
    value = get_path(parts.get(where) or {}, path)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise StepFailed(
            f"paginate split: the request's {dotted} is {value!r}, not a time in ms",
            kind="template",
        ) from None


def _time(item: Any, split: Windows) -> int:
    value = get_path(item, split.time)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise StepFailed(
            f"paginate split: an item's {split.time} is {value!r}, not a time in ms",
            kind="http",
        )
    try:
        return int(value)
    except ValueError:
        raise StepFailed(
            f"paginate split: an item's {split.time} is {value!r}, not a time in ms",
            kind="http",
        ) from None


def _key(item: Any, split: Windows) -> Any:
    """The item's identity: its key, or where it has none (some feeds' records lack it) its
    whole content, so that two keyless items at one time are still told apart."""
    key = get_path(item, split.key)
    if key is None:
        return ("content", jsonlines.canonical(item))
    return key
