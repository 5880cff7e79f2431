"""What in a page's names and values is the site's own wording and what is data: shared by the
pages' and the feeds' inventories (inventory.py, inventory_feed.py)."""

from __future__ import annotations

import re

_DATA = re.compile(r"\d{3,}|[0-9a-fA-F]{8,}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}")
_CONSTANT = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,39}")


def constant(value: str) -> bool:
    """A value the site spells the same for everyone: a word, not a key or a name."""
    return bool(_CONSTANT.fullmatch(value)) and sum(c.isdigit() for c in value) <= 2


def token(name: str) -> str:
    """An id or class with the parts that are keys (record-1796..., a uuid) as `*`."""
    return "-".join("*" if _DATA.search(part) else part for part in name.split("-"))
