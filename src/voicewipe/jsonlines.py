"""JSON in the hot paths: a listing's pages, the export lines and the history files.

A listing of 100,000 records parses each page, writes each record as a line, reads the line
back into the export's index and writes it once more into the history file: with the
standard library's json that was a third of a listing's time, with orjson a tenth. Whatever
orjson refuses (integers beyond 64 bits, NaN, a type only `default` knows) goes to the
standard library, which gives the same result or the same error as before.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import orjson

from voicewipe.errors import VoicewipeError

# Dates, dataclasses and str-keyed subclasses as the standard library treats them: through
# `default`, not orjson's own encodings of them.
_OPTIONS = (
    orjson.OPT_APPEND_NEWLINE
    | orjson.OPT_NON_STR_KEYS
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
)


# A negative integer of 19 digits or more: below -2**63 orjson gives a float where the standard
# library gives the integer (it refuses the positive ones, which then go to json).
_LONG_NEGATIVE = re.compile(rb"-\d{19}")


def loads(data: bytes | str) -> Any:
    """The value of a JSON text; ValueError when it is not JSON."""
    raw = data.encode() if isinstance(data, str) else data
    if _LONG_NEGATIVE.search(raw):
        return json.loads(data)
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)  # NaN, huge numbers: what json accepts, or its own error


def line(value: Any, default: Callable[[Any], Any] | None = None) -> bytes:
    """One JSON line (UTF-8, newline-terminated); `default` turns what JSON lacks into what
    it has, or raises."""
    try:
        return orjson.dumps(value, default=default, option=_OPTIONS)
    except orjson.JSONEncodeError as error:
        if isinstance(error.__cause__, VoicewipeError):
            raise error.__cause__ from None  # a secret refused, say: not a JSON problem
        text = json.dumps(value, ensure_ascii=False, default=default)
        return (text + "\n").encode()


def canonical(value: Any) -> bytes:
    """The same bytes for the same JSON value whatever its keys' order: an identity for what
    has no key of its own."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    except orjson.JSONEncodeError:  # integers beyond 64 bits, say: what json writes
        return json.dumps(value, sort_keys=True, default=repr).encode()
