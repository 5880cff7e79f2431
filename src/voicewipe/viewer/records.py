"""An export folder as the viewer and the CSV and text files show it, read from disk.

What is shown is what is on disk: the manifest (the histories, and when each range was
listed), the history files (one record a line) and the deletion ledger (deletions.jsonl, one
line per record deleted from Amazon). Nothing is taken from a command's memory. A line that is
not a whole record is skipped and said so in `notes`, never a reason to show nothing.
"""

from __future__ import annotations

import bisect
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voicewipe import jsonlines
from voicewipe.alexa.archive_index import history_file
from voicewipe.alexa.archive_manifest import read_manifest

DELETIONS = "deletions.jsonl"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")  # a history's name (the manifest's schema)
MANIFEST = "manifest.json"


@dataclass(slots=True)
class Recording:
    """One record of a history file, as a person reads it."""

    history: str
    key: str  # its record_key
    timestamp_ms: int
    timestamp: str  # UTC ISO 8601, as the line says it
    device: str
    speaker: str
    transcript: str
    reply: str
    audio: str  # the file's name in audio/, or "" (none saved)
    exported: str  # when the listing that first wrote it was made (the manifest's listed_at)
    deleted: str  # when it was deleted from Amazon (deletions.jsonl), or ""


@dataclass(frozen=True)
class HistoryCount:
    name: str
    records: int  # lines read from its file
    manifest_records: int | None  # what the manifest says the file holds


@dataclass
class ExportFolder:
    """An export folder's records (oldest first) and what the page says about them."""

    root: Path
    account: str
    marketplace: str
    site: str
    updated: str
    histories: list[HistoryCount] = field(default_factory=list)
    recordings: list[Recording] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def sources(root: Path) -> list[Path]:
    """The files the viewer is made from (to tell whether it is older than them)."""
    found = [root / MANIFEST, root / DELETIONS, *root.glob("*-history.jsonl")]
    return [path for path in found if path.is_file()]


def read_export(root: Path) -> ExportFolder:
    """The export folder at `root`, read from disk."""
    manifest = read_manifest(root / MANIFEST)
    folder = ExportFolder(
        root,
        account=str(manifest.get("account") or root.name),
        marketplace=str(manifest.get("marketplace") or root.parent.name),
        site=str(manifest.get("site") or ""),
        updated=str(manifest.get("updated") or ""),
    )
    # What the viewer needs of each history's section: its 100,000 audio files' entries are
    # let go before the records are read, so the two are never in memory together.
    sections = {
        name: {"ranges": part.get("ranges"), "records": part.get("records")}
        for name, part in _sections(manifest).items()
    }
    del manifest
    deleted = _deletions(root / DELETIONS, folder.notes)
    for name, ranges in _histories(root, sections).items():
        path = root / history_file(name)
        if not path.is_file():
            continue
        said = sections.get(name, {}).get("records")
        found = list(_records(path, name, folder.notes))
        _stamp(found, ranges, deleted)
        folder.recordings += found
        folder.histories.append(HistoryCount(name, len(found), said))
    folder.recordings.sort(key=lambda r: r.timestamp_ms)
    unmatched = len(deleted) - sum(1 for r in folder.recordings if r.deleted)
    if unmatched > 0:
        folder.notes.append(
            f"{DELETIONS} names {unmatched} deleted recording(s) this export does not hold "
            "(deleted with --no-export, or never listed)"
        )
    return folder


def _sections(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The manifest's section of each history (a hand edit may have left anything there)."""
    histories = manifest.get("histories")
    if not isinstance(histories, dict):
        return {}
    return {
        name: part
        for name, part in histories.items()
        if isinstance(part, dict) and _NAME.fullmatch(str(name))  # a file name, never a path
    }


def _histories(root: Path, sections: dict[str, dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Each history the folder holds, with the ranges the manifest lists for it: the
    manifest's, then any history file it does not name (a run killed before its first save)."""
    named = {}
    for name, part in sections.items():
        ranges = part.get("ranges")
        named[name] = list(ranges) if isinstance(ranges, list) else []
    for path in sorted(root.glob("*-history.jsonl")):
        named.setdefault(path.name.removesuffix("-history.jsonl"), [])
    return named


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _records(path: Path, history: str, notes: list[str]) -> Iterator[Recording]:
    damaged = 0
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, 1):
            if not raw.strip():
                continue
            try:
                line = jsonlines.loads(raw)
                yield _recording(history, line)
            except (ValueError, TypeError, KeyError, AttributeError):
                damaged += 1
                if damaged == 1:
                    notes.append(f"{path.name} line {number} is not a whole record: skipped")
    if damaged > 1:
        notes.append(f"{path.name}: {damaged} damaged lines skipped in all")


def _recording(history: str, line: dict[str, Any]) -> Recording:
    speakers = line.get("speakers")
    speaker = _text(line.get("profile"))
    if not speaker and isinstance(speakers, list):
        speaker = ", ".join(s for s in speakers if isinstance(s, str))
    return Recording(
        history=history,
        key=str(line["record_key"]),
        timestamp_ms=int(line["timestamp_ms"]),
        timestamp=str(line["timestamp"]),
        # A device's or speaker's name once in memory, not once per record (100,000 of them).
        device=sys.intern(_text(line.get("device"))),
        speaker=sys.intern(speaker),
        transcript=_text(line.get("transcript")) or _text(line.get("replacement_text")),
        reply=_text(line.get("response")),
        audio=_text(line.get("audio")) if line.get("has_audio") else "",
        exported="",
        deleted="",
    )


def _deletions(path: Path, notes: list[str]) -> dict[tuple[str, str], str]:
    """(history, record key) -> when it was deleted from Amazon; the first time said wins."""
    found: dict[tuple[str, str], str] = {}
    if not path.is_file():
        return found
    damaged = 0
    with path.open("rb") as lines:
        for raw in lines:
            try:
                line = jsonlines.loads(raw)
                key = (str(line["history"]), str(line["record_key"]))
                found.setdefault(key, str(line["deleted_at"]))
            except (ValueError, TypeError, KeyError):
                damaged += raw.strip() != b""
    if damaged:
        notes.append(f"{DELETIONS}: {damaged} damaged line(s) skipped")
    return found


def _stamp(
    found: list[Recording], ranges: list[dict[str, Any]], deleted: dict[tuple[str, str], str]
) -> None:
    """Each record's exported time (the earliest listing whose range covers it: the one that
    first wrote it) and deleted time, in place."""
    found.sort(key=lambda r: r.timestamp_ms)
    times = [r.timestamp_ms for r in found]
    for recording, listed_at in zip(found, _first_listings(times, ranges), strict=True):
        recording.exported = listed_at
        recording.deleted = deleted.get((recording.history, recording.key), "")


def _first_listings(times: list[int], ranges: list[dict[str, Any]]) -> list[str]:
    """For each time (sorted), the listed_at of the earliest range that covers it, or "".
    Each position is given a time once: `free[i]` leads to the first position from i on not
    given one yet (path-compressed), so nightly listings of the whole history cost no more
    than one."""
    given = [""] * len(times)
    free = list(range(len(times) + 1))

    def first_free(at: int) -> int:
        root = at
        while free[root] != root:
            root = free[root]
        while free[at] != root:
            free[at], at = root, free[at]
        return root

    for listed in sorted(filter(_whole_range, ranges), key=lambda r: str(r["listed_at"])):
        at = first_free(bisect.bisect_left(times, listed["start_ms"]))
        end = bisect.bisect_right(times, listed["end_ms"])
        while at < end:
            given[at] = listed["listed_at"]
            free[at] = at + 1
            at = first_free(at + 1)
    return given


def _whole_range(listed: Any) -> bool:
    """A range as the manifest lists it (a hand edit may have left anything)."""
    if not isinstance(listed, dict):
        return False
    bounds = all(isinstance(listed.get(k), int) for k in ("start_ms", "end_ms"))
    return bounds and isinstance(listed.get("listed_at"), str)
