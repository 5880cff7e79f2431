"""The chart of what a run deleted, per month and per device: CSS bars, no script, no
network. Its numbers are the summary's `deletions`, counted from the deletion ledger's lines
this run wrote joined with the export's lines (alexa/ledger.py): what is on disk."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    width: float  # per cent of the longest bar


@dataclass(frozen=True)
class Chart:
    records: int
    by_month: list[Bar]
    by_device: list[Bar]
    ledger: str | None  # the ledger file, for the link


def _bars(counts: Any, *, by_count: bool) -> list[Bar]:
    if not isinstance(counts, dict):
        return []
    items = [(str(k), v) for k, v in counts.items() if isinstance(v, int) and v > 0]
    if by_count:
        items.sort(key=lambda item: (-item[1], item[0]))
    top = max((v for _, v in items), default=0)
    return [Bar(label, count, round(100 * count / top, 1)) for label, count in items]


def chart(summary: dict[str, Any]) -> Chart | None:
    """None when the run deleted nothing the ledger holds."""
    deletions = summary.get("deletions")
    if not isinstance(deletions, dict) or not deletions.get("records"):
        return None
    ledgers = [
        part["ledger"]["file"]
        for both in (summary.get("histories") or {}).values()
        if isinstance(both, dict)
        for part in [both.get("delete")]
        if isinstance(part, dict) and isinstance(part.get("ledger"), dict)
    ]
    return Chart(
        records=int(deletions["records"]),
        by_month=_bars(deletions.get("by_month"), by_count=False),
        by_device=_bars(deletions.get("by_device"), by_count=True),
        ledger=ledgers[0] if ledgers else None,
    )
