"""What a verified export vouches for, so that a delete's check need not list it all again.

A delete may remove only records a verified export holds. Listing every record of the range
before the click proves it, but at 100,000 records that is 2,000 pages of JSON: more time than
the site's rate limit allows for "a delete in seconds". The export already made that listing,
and the manifest says so: each range it listed, when, and that every record the site reported
was written. What the site held in that range then is in the export. What can be there now
and not in the export is only what arrived since, and Amazon adds a recording at the newest
end of the history, moments after it was said (`late_records_hours` in marketplaces.yaml says
how late one may still appear). So the check lists:

- the newest part of each range that reached the present, from `late` before the newest
  record the export holds there: everything that can have arrived since;
- every part of the range no complete listing covered;
- the records of the export whose audio is missing or damaged (they are not safe to delete:
  listed, they are refused unless the site no longer has them);

and vouches for the rest, counting the export's records there. The listed parts are checked
key by key as before.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from voicewipe.alexa.archive import History, lines_of

END = 2**62  # an open end ("now"), while computing


@dataclass(frozen=True)
class Cover:
    """How a delete's check covers [start, end]."""

    windows: list[list[int]]  # the parts to list side by side: [[start, end], ...], 0 = the end
    vouched: int  # records of the export in the rest (of the device asked for), all verified
    exported: dict[str, bool]  # the verified keys the listed parts may meet

    @property
    def listing(self) -> bool:
        """Whether anything is to be listed (else the export vouches for the whole range)."""
        return bool(self.windows)


Span = tuple[int, int]  # inclusive, in ms


def cover(
    history: History,
    verified: set[str] | dict[str, Any],
    start_ms: int,
    end_ms: int,
    *,
    late_ms: int,
    parts: int,
    device: str | None = None,
) -> Cover:
    """The parts of [start_ms, end_ms] (end 0: open) to list, in up to about `parts` windows
    of as many exported records each, and how many records the export vouches for in the
    rest (only `device`'s, by its name, when given)."""
    end = end_ms or END
    timeline = sorted((entry.timestamp_ms, key) for key, entry in history.entries.items())
    times = [t for t, _ in timeline]
    spans = _cut(_complete_listings(history.ranges, times, late_ms), timeline, times, verified)
    vouched = _clip(spans, start_ms, end)
    to_list = _without((start_ms, end), vouched)
    windows: list[Span] = []
    for low, high in to_list:
        windows += _split(times, low, high, max(1, parts // len(to_list)))
    inside = [
        key for low, high in vouched for _, key in timeline[_at(times, low) : _after(times, high)]
    ]
    if device is not None:
        inside = [key for key, line in lines_of(history, inside) if line.get("device") == device]
    listed = {
        key: True
        for low, high in to_list
        for _, key in timeline[_at(times, low) : _after(times, high)]
        if key in verified
    }
    return Cover(
        windows=[[low, 0 if high == END else high] for low, high in windows],
        vouched=len(inside),
        exported=listed,
    )


def _at(times: list[int], ms: int) -> int:
    return bisect.bisect_left(times, ms)


def _after(times: list[int], ms: int) -> int:
    return bisect.bisect_right(times, ms)


def _listed_at_ms(text: Any) -> int | None:
    try:
        return int(datetime.fromisoformat(str(text)).timestamp() * 1000)
    except ValueError:
        return None


def _complete_listings(
    ranges: Iterable[dict[str, Any]], times: list[int], late_ms: int
) -> list[Span]:
    """The spans the manifest's complete listings vouch for, merged."""
    spans: list[Span] = []
    for listed in ranges:
        try:
            low, high = int(listed["start_ms"]), int(listed["end_ms"]) or END
            complete = int(listed["written"]) >= int(listed["reported"])
        except (KeyError, TypeError, ValueError):
            continue  # a hand-edited manifest: vouches for nothing
        when = _listed_at_ms(listed.get("listed_at"))
        if not complete or when is None:
            continue
        if high >= when - late_ms:
            # It reached the present: what may have arrived since is listed again, from `late`
            # before the newest record it found (no record: all of it is listed again).
            newest = _after(times, high) - 1
            if newest < _at(times, low):
                continue
            high = min(high, times[newest] - late_ms)
        if low <= high:
            spans.append((low, high))
    return _merged(spans)


def _merged(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for low, high in sorted(spans):
        if out and low <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], high))
        else:
            out.append((low, high))
    return out


def _cut(
    spans: list[Span], timeline: list[tuple[int, str]], times: list[int], verified: Any
) -> list[Span]:
    """The spans without the times of the export's records that are not safe to delete: each
    run of them, from the first one's time to the last one's, is listed instead."""
    out: list[Span] = []
    for low, high in spans:
        begin, stop = _at(times, low), _after(times, high)
        position, i = low, begin
        while i < stop:
            if timeline[i][1] in verified:
                i += 1
                continue
            first = times[i]
            while i < stop and timeline[i][1] not in verified:
                i += 1
            last = times[i - 1]
            if first > position:
                out.append((position, first - 1))
            position = last + 1
        if position <= high:
            out.append((position, high))
    return out


def _clip(spans: list[Span], low: int, high: int) -> list[Span]:
    return [(max(a, low), min(b, high)) for a, b in spans if a <= high and b >= low]


def _without(whole: Span, holes: list[Span]) -> list[Span]:
    """`whole` less the (sorted, disjoint) holes."""
    out: list[Span] = []
    position = whole[0]
    for low, high in holes:
        if low > position:
            out.append((position, low - 1))
        position = max(position, high + 1)
    if position <= whole[1]:
        out.append((position, whole[1]))
    return out


def _split(times: list[int], low: int, high: int, parts: int) -> list[Span]:
    """[low, high] in up to `parts` windows holding about as many exported records each; one
    window when too few are there to be worth it (a few pages a window at least)."""
    inside = times[_at(times, low) : _after(times, high)]
    parts = min(parts, len(inside) // 200)
    if parts < 2:
        return [(low, high)]
    cuts = sorted({inside[i * len(inside) // parts] for i in range(1, parts)} - {low})
    bounds = [low, *cuts]
    return [(a, b - 1) for a, b in itertools.pairwise(bounds)] + [(bounds[-1], high)]


__all__ = ["Cover", "cover"]
