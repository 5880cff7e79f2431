"""A difference between two captures (Change: what changed in words, and the lines of the
flows that rely on it), and the differences of one feed: its usual status and content type,
its JSON fields and their types, the record types it answered with (diff_pages.py: a page's).

What may be the account's data rather than the site is a note, said and not counted: a record
type seen in one capture only, a field inside a list that one capture only saw empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from voicewipe.capture.diff_usage import Usage
from voicewipe.capture.inventory_feed import FeedInventory


@dataclass(frozen=True)
class Change:
    kind: str  # renamed, gone, new, values, reworded, label gone, status, field gone, ...
    what: str
    used: tuple[str, ...] = ()  # the flows' lines that rely on it (file:line)
    counts: bool = True  # False: a note (what may be the account's data, not the site)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "what": self.what,
            "used": list(self.used),
            "counts": self.counts,
        }


def _types(kinds: set[str]) -> str:
    return "|".join(sorted(kinds))


def _under_empty(path: str, other: FeedInventory) -> bool:
    """A field inside a list the other capture only saw empty: unknown there, not gone."""
    return any(path.startswith(f"{lst}[]") and lst not in other.filled for lst in other.fields)


def _parent(path: str) -> str:
    cut = max(path.rfind("."), path.rfind("[]"))
    return path[:cut] if cut > 0 else ""


def _fields_one_side(
    kind: str, ours: FeedInventory, theirs: FeedInventory, usage: Usage
) -> list[Change]:
    changes = []
    for path, kinds in ours.fields.items():
        if path in theirs.fields or _under_empty(path, theirs):
            continue
        if _parent(path) and _parent(path) not in theirs.fields:
            continue  # said once, by the topmost field gone (or new)
        changes.append(Change(kind, f"{path}: {_types(kinds)}", tuple(usage.field(path))))
    return changes


def _field_changes(old: FeedInventory, new: FeedInventory, usage: Usage) -> list[Change]:
    changes = [
        *_fields_one_side("field gone", old, new, usage),
        *_fields_one_side("field new", new, old, usage),
    ]
    for path, before in old.fields.items():
        after = new.fields.get(path) or set()
        # A field null in every answer of one capture says nothing of its type.
        solid_before, solid_after = before - {"null"}, after - {"null"}
        if solid_before and solid_after and solid_before != solid_after:
            what = f"{path}: {_types(before)} -> {_types(after)}"
            changes.append(Change("type changed", what, tuple(usage.field(path))))
    return changes


def _record_type_changes(old: FeedInventory, new: FeedInventory, usage: Usage) -> list[Change]:
    """A type the flows sort records by (`where`) and do not name is a change: records the
    export would not read; any other difference in the types seen may be the account's."""
    changes = []
    for name in sorted(set(old.types) | set(new.types)):
        before, after = old.types.get(name, set()), new.types.get(name, set())
        used = tuple(usage.field(name))
        added = sorted(after - before)
        unknown = [v for v in added if usage.filters_by(name) and not usage.names(v)]
        for kind, values, counts in (
            ("record types new", unknown, True),
            ("record types new", [v for v in added if v not in unknown], False),
            ("record types not seen", sorted(before - after), False),
        ):
            if values:
                changes.append(Change(kind, f"{name}: {', '.join(values)}", used, counts))
    return changes


def _usual(feed: FeedInventory) -> str:
    return f"{feed.status}" + (f" {feed.mime}" if feed.mime else "")


def compare_feeds(old: FeedInventory, new: FeedInventory, usage: Usage) -> list[Change]:
    """What changed in one feed between two captures."""
    changes = []
    if (old.status, old.mime) != (new.status, new.mime):
        changes.append(Change("answers", f"{_usual(old)} -> {_usual(new)}"))
    if old.status != new.status:
        # An error's body against a feed's (an account without Alexa+ against one with it):
        # their fields are not the same feed's.
        said = "the usual answers have other statuses"
        return [*changes, Change("fields not compared", said, counts=False)]
    return [*changes, *_field_changes(old, new, usage), *_record_type_changes(old, new, usage)]
