"""The record lines: a history file indexed and checked, listed lines merged, the file rewritten.

A history file (voice-history.jsonl, sounds-history.jsonl, smart-home-history.jsonl) holds one
record per line, oldest first. Loading it again (a resumed export) trusts its lines, but checks
the file against what the manifest says of it: a line dropped, changed or cut off marks the
history damaged, which a delete refuses and an export mends by writing the file again, whole.
"""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path
from typing import Any

from voicewipe import jsonlines
from voicewipe.alexa.archive_index import (
    Entry,
    History,
    LineFile,
    lines_of,
    parse_record,
)
from voicewipe.errors import UsageError
from voicewipe.fsutil import atomic_writer


def mismatch(vouched: tuple[Any, Any] | None, sha256: str, lines: int) -> str | None:
    """How the history file differs from what the manifest says of it, or None."""
    if vouched is None:
        return "no manifest vouches for it"
    sha, count = vouched
    if count != lines:
        return f"it has {lines} records where the manifest says {count}"
    if sha != sha256:
        return "its checksum is not the manifest's"
    return None


def read_history_file(history: History, lines: LineFile, vouched: tuple[Any, Any] | None) -> None:
    """Index the history file, checking it against what the manifest says of it (its
    SHA-256 and number of lines): a line dropped, changed or cut off is found here. Lines
    that are not whole records are left out and the history marked damaged."""
    digest = hashlib.sha256()
    count = 0
    for number, (offset, raw) in enumerate(lines.new_lines(), 1):
        digest.update(raw)
        count += 1
        try:
            record = parse_record(raw, f"{lines.path}:{number}")
            entry = Entry(
                timestamp_ms=int(record["timestamp_ms"]),
                uid=None,
                has_audio=record.get("has_audio"),
                audio=record.get("audio"),
                source=lines,
                offset=offset,
            )
        except (UsageError, KeyError, TypeError, ValueError):
            history.damage = history.damage or f"line {number} is not a whole export record"
            continue
        if entry.has_audio is None:
            entry.uid = record.get("utterance_id") or None
        history.entries[record["record_key"]] = entry
    if lines.position < lines.path.stat().st_size:
        history.damage = history.damage or "its last line is cut off"
    history.sha256, history.lines = digest.hexdigest(), count
    if history.damage is None:
        history.damage = mismatch(vouched, history.sha256, count)
    history.dirty = history.damage is not None  # written again, whole, when saved


def take_lines(history: History, lines: LineFile) -> tuple[int, int, list[str]]:
    """Merge the lines added to `lines` since the last call into the history's index. A
    record already there keeps its audio state. Returns how many lines were read, how many
    records were new, and the keys of the new ones whose audio is to fetch."""
    read = new = 0
    todo: list[str] = []
    for offset, raw in lines.new_lines():
        read += 1
        record = parse_record(raw, f"{lines.path} at byte {offset}")
        key, uid = record["record_key"], record.get("utterance_id") or None
        old = history.entries.get(key)
        if old is not None:
            old.timestamp_ms = int(record["timestamp_ms"])
            old.uid = uid if old.has_audio is None else None
            old.source, old.offset = lines, offset
        else:
            new += 1
            # Only the histories with audio (voice, Alexa+) have it; the others' are known not to.
            has_audio = None if history.has_audio and uid else False
            entry = Entry(int(record["timestamp_ms"]), uid, has_audio, None, lines, offset)
            history.entries[key] = entry
            if has_audio is None:
                todo.append(key)
        history.dirty = True
    return read, new, todo


def write_history_file(history: History, path: Path) -> None:
    """The history file, oldest first, each line as listed with its audio state, written
    a line at a time; the index then points into it."""
    order = sorted(history.entries.items(), key=lambda kv: (kv[1].timestamp_ms, kv[0]))
    digest, offsets, position = hashlib.sha256(), [], 0
    records = lines_of(history, (key for key, _ in order))
    with contextlib.closing(records), atomic_writer(path) as out:
        for (_, entry), (_, record) in zip(order, records, strict=True):
            record["timestamp_ms"] = entry.timestamp_ms
            record["audio"], record["has_audio"] = entry.audio, entry.has_audio
            data = jsonlines.line(record)
            out.write(data)
            digest.update(data)
            offsets.append(position)
            position += len(data)
    written = LineFile(path)
    written.position = position
    for (_, entry), offset in zip(order, offsets, strict=True):
        entry.source, entry.offset = written, offset
    history.sha256, history.lines, history.dirty = digest.hexdigest(), len(order), False
    history.damage = None
