"""The filters and functions templates have besides Jinja's own: times, dotted paths, the
numbers a page's wording holds, one-time codes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from types import MappingProxyType
from typing import Any

from voicewipe.errors import TemplateProblem
from voicewipe.secret import Secret


def epoch_ms(value: Any) -> int:
    """A date or datetime (or ISO text) as milliseconds since the epoch, UTC."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return int(aware.timestamp() * 1000)
    if isinstance(value, date):
        return int(datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp() * 1000)
    if isinstance(value, int | float):
        return int(value)
    raise TemplateProblem(f"epoch_ms: cannot turn {type(value).__name__} into a time")


def iso(value: Any) -> str:
    """Milliseconds since the epoch (or a date) as UTC ISO 8601 text."""
    if isinstance(value, int | float):
        moment = datetime.fromtimestamp(value / 1000, UTC)
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TemplateProblem(f"iso: cannot turn {type(value).__name__} into a time")


def get_path(value: Any, path: str, default: Any = None) -> Any:
    """Follow a dotted path into nested maps and lists: `record | get('device.deviceName')`."""
    current = value
    for part in path.split("."):
        if isinstance(current, Mapping) and part in current:
            current = current[part]
        elif isinstance(current, list | tuple) and part.lstrip("-").isdigit():
            index = int(part)
            if not -len(current) <= index < len(current):
                return default
            current = current[index]
        else:
            return default
    return current


def where(items: Any, path: str, wanted: Any) -> list[Any]:
    """The items whose field at `path` is `wanted` (or one of them, given a list):
    `r.voiceHistoryRecordItems | where('recordItemType', ['CUSTOMER_TRANSCRIPT'])`. What
    selectattr does, at a fraction of its cost: a listing maps 100,000 records with it."""
    if not isinstance(items, list | tuple):
        return []
    choices = wanted if isinstance(wanted, list | tuple) else (wanted,)
    return [item for item in items if get_path(item, path) in choices]


def count_in(text: Any, wording: Any) -> int | None:
    """The number a page put in its wording: `"300 recordings deleted." | count_in("{count}
    recordings deleted.")` is 300; none where the text is not that wording. The wording comes
    from a language file, so a page reworded is mended there."""
    if not isinstance(text, str) or not isinstance(wording, str) or "{count}" not in wording:
        return None
    before, _, after = wording.partition("{count}")
    pattern = (
        re.escape(before.strip()) + r"\s*([0-9][0-9,.\u202f\u00a0 ]*)\s*" + re.escape(after.strip())
    )
    found = re.search(pattern, " ".join(text.split()))
    if found is None:
        return None
    digits = re.sub(r"[^0-9]", "", found[1])
    return int(digits) if digits else None


_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def keyed(items: Any, *formats: Any) -> list[list[Any]]:
    """Each item with its key, [key, item]: the key is the first of `formats` whose fields
    the item has (not null), e.g. `page_items | keyed('{activityKey}',
    '{recordType}#{timestamp}')` for a feed whose records do not all carry one key field.
    Fields are plain names only (no attributes, no indexes: the sandbox stays shut); an item
    that fits none has the key none."""
    if not isinstance(items, list | tuple):
        return []
    shapes = [(f, _FIELD.findall(f)) for f in formats if _plain_pattern(f)]
    out: list[list[Any]] = []
    for item in items:
        out.append([_key_of(item, shapes), item])
    return out


def _plain_pattern(text: Any) -> bool:
    """A pattern of plain {field} names (one at least), and no other braces."""
    if not isinstance(text, str) or not _FIELD.search(text):
        return False
    rest = _FIELD.sub("", text)
    return "{" not in rest and "}" not in rest


def _key_of(item: Any, shapes: list[tuple[str, list[str]]]) -> str | None:
    if not isinstance(item, Mapping):
        return None
    for text, names in shapes:
        if all(item.get(n) is not None for n in names):
            return _FIELD.sub(lambda m: str(item[m[1]]), text)
    return None


def totp(value: Any) -> Secret:
    """The current one-time code (RFC 6238) for a TOTP secret, itself a secret: it can only be
    filled in, and it is scrubbed from logs like the key it came from."""
    import pyotp

    if not isinstance(value, Secret):
        raise TemplateProblem("totp: give it a secret input (the authenticator key)")
    try:
        code = pyotp.TOTP(value.reveal().replace(" ", "").upper()).now()
    except (ValueError, TypeError):  # binascii.Error is a ValueError
        raise TemplateProblem(
            f"totp: secret '{value.name}' is not a base32 authenticator key"
        ) from None
    return Secret(f"{value.name} code", code, origins=value.origins)


def search(text: Any, pattern: Any) -> str | None:
    """The first group (else the whole match) of a regular expression in a text, or none:
    `page_html | search('name="csrf-token" content="([^"]+)"')`."""
    if not isinstance(text, str) or not isinstance(pattern, str):
        return None
    try:
        found = re.search(pattern, text)
    except re.error as error:
        raise TemplateProblem(f"search: {pattern!r} is not a regular expression: {error}") from None
    if found is None:
        return None
    return found[1] if found.re.groups else found[0]


def now_ms() -> int:
    """The time now, in milliseconds since the epoch: a range that ends "now" when it is asked."""
    return int(datetime.now(UTC).timestamp() * 1000)


# The names flows use them by (read-only: every run's templates share it).
FILTERS = MappingProxyType(
    {
        "epoch_ms": epoch_ms,
        "iso": iso,
        "get": get_path,
        "totp": totp,
        "count_in": count_in,
        "where": where,
        "keyed": keyed,
        "search": search,
    }
)
