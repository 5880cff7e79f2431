"""Which recorded response answers a request in a replay: the same method, address and path,
the same parameters and JSON fields (those that carry a CSRF token or a cache buster are
compared whatever their value: `ignore`), and times near the recorded ones.

Times (`times`: parameters and JSON fields holding ms since the epoch) are what a replay
cannot repeat: a listing "up to now" asks up to another now. A recorded request answers one
whose times lie within TOLERANCE_MS of its own, either moved by how long after the capture
the replay runs (the flows' times: voicewipe's clock) or as they are (the pages' scripts' own
requests: a replay sets the browser's clock to the capture's time); small numbers (1, 0: the
start of time, a probe of one millisecond) are compared as they are.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

TOLERANCE_MS = 30 * 60 * 1000
_EPOCH_LIKE = 10**11  # 1973: smaller numbers are not moved with the clock

Key = tuple[str, str, str, str, str]  # method, origin, path, parameters, body


@dataclass(frozen=True)
class Request:
    """A request reduced to what matching compares."""

    key: Key
    times: tuple[tuple[str, int], ...]  # every time it carries, by name, in order

    def distance(self, recorded: Request, shift_ms: int) -> int | None:
        """How far this request's times are from a recorded one's, once moved by `shift_ms`;
        None when they do not match (other names, or too far apart)."""
        if [n for n, _ in self.times] != [n for n, _ in recorded.times]:
            return None
        worst = 0
        for (_, mine), (_, theirs) in zip(self.times, recorded.times, strict=True):
            moved = mine - shift_ms if mine >= _EPOCH_LIKE else mine
            # The flows' times come from voicewipe's clock (moved); the pages' own scripts
            # run on the browser's, which a replay sets to the capture's time (as they are).
            worst = max(worst, min(abs(moved - theirs), abs(mine - theirs)))
        return worst if worst <= TOLERANCE_MS else None


def _time(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _strip(data: Any, times: Collection[str], ignore: Collection[str], found: list[Any]) -> Any:
    """JSON without its ignored fields, its times taken out into `found`."""
    if isinstance(data, dict):
        kept = {}
        for name in sorted(data):
            if name in ignore:
                continue
            if name in times and _time(data[name]) is not None:
                found.append((name, _time(data[name])))
                continue
            kept[name] = _strip(data[name], times, ignore, found)
        return kept
    if isinstance(data, list):
        return [_strip(item, times, ignore, found) for item in data]
    return data


def _body(
    text: str | None, times: Collection[str], ignore: Collection[str], found: list[Any]
) -> str:
    if not text:
        return ""
    try:
        data = json.loads(text)
    except ValueError:
        pairs = parse_qsl(text, keep_blank_values=True)
        if not pairs or "=" not in text:
            return text
        return _params(pairs, times, ignore, found)
    return json.dumps(_strip(data, times, ignore, found), sort_keys=True, ensure_ascii=False)


def _params(
    pairs: list[tuple[str, str]], times: Collection[str], ignore: Collection[str], found: list[Any]
) -> str:
    kept = []
    for name, value in sorted(pairs):
        if name in ignore:
            continue
        if name in times and _time(value) is not None:
            found.append((name, _time(value)))
            continue
        kept.append(f"{name}={value}")
    return "&".join(kept)


def reduce(
    method: str, url: str, body: str | None, *, times: Collection[str], ignore: Collection[str]
) -> Request:
    parts = urlsplit(url)
    found: list[tuple[str, int]] = []
    query = _params(parse_qsl(parts.query, keep_blank_values=True), times, ignore, found)
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    key = (method.upper(), origin, parts.path or "/", query, _body(body, times, ignore, found))
    return Request(key, tuple(found))
