"""The deletion ledger: `deletions.jsonl` in the account's export folder, one line per
record that voicewipe deleted from the site.

    {"history": "voice", "record_key": "...", "deleted_at": "2026-12-02T07:57:40Z", "run": "..."}

A line is written only for a record that a delete listed before its click and that the
read-back no longer finds: what the site confirmed gone, never what was merely sent. The
export viewer reads this file (to show when each recording was deleted), and report.html
draws its chart of a run's deletions from the lines that run wrote joined with the export's
lines (each record's time and device): every number comes from disk.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from voicewipe.alexa.archive_index import history_file
from voicewipe.fsutil import write_atomic

FILE = "deletions.jsonl"
UNKNOWN = "not in the export"  # a record deleted with --no-export: its time and device unknown


def now() -> str:
    """A deletion's time as the ledger writes it: UTC, to the second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def lines(folder: Path) -> list[dict[str, Any]]:
    """The ledger's lines (none when there is none; a line that is not one of ours is left
    out, never guessed at)."""
    try:
        text = (folder / FILE).read_text(encoding="utf-8")
    except OSError:
        return []
    found = []
    for raw in text.splitlines():
        try:
            line = json.loads(raw)
        except ValueError:
            continue
        if isinstance(line, dict) and isinstance(line.get("record_key"), str):
            found.append(line)
    return found


def record(folder: Path, history: str, keys: Iterable[str], run: str) -> list[dict[str, Any]]:
    """Add a line for each key the read-back confirmed gone (a key already in the ledger keeps
    its first line); the file is rewritten whole, atomically. Returns the lines added."""
    before = lines(folder)
    known = {(line.get("history"), line["record_key"]) for line in before}
    at = now()
    added = [
        {"history": history, "record_key": key, "deleted_at": at, "run": run}
        for key in dict.fromkeys(keys)  # in order, each once
        if (history, key) not in known
    ]
    if added:
        text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in before + added)
        write_atomic(folder / FILE, text.encode("utf-8"), mode=0o600)
    return added


def counts(folder: Path, history: str, keys: Iterable[str]) -> dict[str, dict[str, int]]:
    """How many of these deleted records fall in each month (UTC, as the export's timestamps
    are) and on each device, from the history's export lines; a record the export lacks is
    counted as such."""
    wanted = set(keys)
    by_month: Counter[str] = Counter()
    by_device: Counter[str] = Counter()
    for line in _export_lines(folder / history_file(history), wanted):
        wanted.discard(line["record_key"])
        stamp, device = line.get("timestamp"), line.get("device")
        by_month[stamp[:7] if isinstance(stamp, str) and len(stamp) >= 7 else UNKNOWN] += 1
        by_device[device if isinstance(device, str) and device else "no device named"] += 1
    if wanted:
        by_month[UNKNOWN] += len(wanted)
        by_device[UNKNOWN] += len(wanted)
    return {"by_month": dict(sorted(by_month.items())), "by_device": dict(by_device)}


def _export_lines(path: Path, wanted: set[str]) -> Iterable[dict[str, Any]]:
    """The export lines of these keys, read one line at a time (an export of 100,000)."""
    try:
        with path.open(encoding="utf-8") as file:
            for raw in file:
                try:
                    line = json.loads(raw)
                except ValueError:
                    continue
                if isinstance(line, dict) and line.get("record_key") in wanted:
                    yield line
    except OSError:
        return


def add_to_summary(summary: dict[str, Any], history: str, found: dict[str, Any]) -> None:
    """A delete's ledger lines counted into the run's `deletions` (summed over its
    histories): what report.html draws."""
    total = summary.setdefault(
        "deletions", {"records": 0, "by_history": {}, "by_month": {}, "by_device": {}}
    )
    total["records"] += found["records"]
    total["by_history"][history] = total["by_history"].get(history, 0) + found["records"]
    for key in ("by_month", "by_device"):
        for name, count in found[key].items():
            total[key][name] = total[key].get(name, 0) + count
    total["by_month"] = dict(sorted(total["by_month"].items()))


def confirmed(
    folder: Path, history: str, gone: Iterable[str], run: str, summary: dict[str, Any]
) -> dict[str, Any]:
    """The records a read-back confirmed gone, written to the ledger and counted (per month
    and device, from the export) into the run's summary; returns the delete's `ledger` part."""
    added = record(folder, history, gone, run)
    found: dict[str, Any] = {
        "records": len(added),
        "file": str(folder / FILE),
        **counts(folder, history, (line["record_key"] for line in added)),
    }
    add_to_summary(summary, history, found)
    return found
