"""What a feed offers the flows: the JSON field paths its answers hold and their types (a list's
items merged: customerHistoryRecords[].recordKey: string), the values of its "type" fields
(the record types the flows sort records by), its statuses and content types.

A feed is the requests of one method and path; a parameter whose value is a constant
(pageType=VOICE_HISTORY) is part of its name, because one address answers for every history
and the histories' records differ. Keys that are a person's (a map by device id) read `*`.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from voicewipe.capture.har import Capture, Exchange
from voicewipe.capture.inventory_words import constant, token

# The fields whose values are kinds of record, beside those the flows filter by (`where`).
TYPE_FIELDS = ("recordType", "utteranceType", "recordItemType", "pageType")
_WHERE = re.compile(r"""where\(\s*['"](\w+)['"]""")
_FEED_SOURCES = ("api", "fetch", "xhr")


@dataclass
class FeedInventory:
    key: str  # POST /alexa-privacy/apd/rvh/customer-history-records-v2?pageType=VOICE_HISTORY
    answers: int = 0
    status: int = 0  # the usual status (an audio file missing here and there is data)
    mime: str = ""  # the usual answer's content type
    fields: dict[str, set[str]] = field(default_factory=dict)  # path -> JSON types
    filled: set[str] = field(default_factory=set)  # lists seen with at least one item
    types: dict[str, set[str]] = field(default_factory=dict)  # type field -> values seen


def type_fields(flows: Path) -> tuple[str, ...]:
    """TYPE_FIELDS and every field a flow filters records by (`where('recordItemType', ...)`)."""
    found = dict.fromkeys(TYPE_FIELDS)
    for path in sorted(flows.rglob("*.yaml")):
        found.update(dict.fromkeys(_WHERE.findall(path.read_text(encoding="utf-8"))))
    return tuple(found)


def feed_name(method: str, url: str) -> str:
    """A feed's name: its method and path, and the parameters that are constants."""
    parts = urlsplit(url)
    fixed = [
        f"{name}={value}"
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if constant(value) and not value.isdigit()
    ]
    return f"{method.upper()} {parts.path}" + (f"?{'&'.join(sorted(fixed))}" if fixed else "")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _walk(value: Any, path: str, feed: FeedInventory, kinds: Iterable[str]) -> None:
    if path:
        feed.fields.setdefault(path, set()).add(_kind(value))
    if isinstance(value, dict):
        for name, item in value.items():
            if name in kinds and isinstance(item, str):
                feed.types.setdefault(name, set()).add(item)
            child = "*" if token(name) != name else name
            _walk(item, f"{path}.{child}" if path else child, feed, kinds)
    elif isinstance(value, list):
        if value:
            feed.filled.add(path)
        for item in value:
            _walk(item, f"{path}[]", feed, kinds)


def _usual(exchanges: list[Exchange]) -> Exchange:
    statuses = Counter(e.status for e in exchanges)
    most = max(statuses.values())
    status = min(s for s, n in statuses.items() if n == most)
    return next(e for e in exchanges if e.status == status)


def _feed(key: str, exchanges: list[Exchange], kinds: tuple[str, ...]) -> FeedInventory:
    usual = _usual(exchanges)
    feed = FeedInventory(key, len(exchanges), usual.status, usual.mime)
    for exchange in exchanges:
        # The fields of the usual answers only: an error's body is not the feed's.
        if exchange.status != usual.status or not exchange.mime.endswith(("/json", "+json")):
            continue
        try:
            body = json.loads(exchange.body)
        except ValueError:
            continue  # said by its content type: a JSON feed that answers other than JSON
        _walk(body, "", feed, kinds)
    return feed


def feeds(capture: Capture, kinds: Iterable[str]) -> dict[str, FeedInventory]:
    """Every feed of a capture: the JSON (and audio) that the pages and the steps asked for."""
    grouped: dict[str, list[Exchange]] = {}
    for exchange in capture.exchanges:
        if exchange.resource in _FEED_SOURCES or exchange.source == "api":
            grouped.setdefault(feed_name(exchange.method, exchange.url), []).append(exchange)
    return {key: _feed(key, found, tuple(kinds)) for key, found in grouped.items()}
