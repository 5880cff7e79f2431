"""Deletions sent and not yet read back: `pending-deletions.json` in the account's export
folder.

A delete writes its entry (the range, and the keys its check listed) to disk, flushed, right
before its first destructive click, and removes it once the range has been read back. A run
that a signal, a crash or a kill stops in between leaves the entry behind; the next run for
the account (any command) reads that range back from the site, says in its summary what
the stopped run deleted and what remains, and removes the entry: each deletion is reported
once, with the site's numbers.
"""

from __future__ import annotations

import contextlib
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from voicewipe.fsutil import write_atomic

FILE = "pending-deletions.json"


def pending(folder: Path) -> list[dict[str, Any]]:
    """The entries left in the journal (none when there is none; an unreadable journal
    counts as none, and is replaced by the next write)."""
    try:
        entries = json.loads((folder / FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(entries, list):
        return []
    return [e for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str)]


def record(folder: Path, entry: dict[str, Any]) -> None:
    """Add or replace (by id) an entry; on disk, the folder's entry too, when this returns."""
    entries = [e for e in pending(folder) if e["id"] != entry["id"]] + [entry]
    _write(folder, entries)


def remove(folder: Path, ids: set[str]) -> None:
    """The entries read back, gone (the file too when none is left)."""
    left = [e for e in pending(folder) if e["id"] not in ids]
    if left:
        _write(folder, left)
    else:
        with contextlib.suppress(FileNotFoundError):
            (folder / FILE).unlink()
        _sync_folder(folder)


def _write(folder: Path, entries: list[dict[str, Any]]) -> None:
    data = json.dumps(entries, ensure_ascii=False).encode()
    write_atomic(folder / FILE, data, mode=0o600)  # the file flushed to disk, then renamed
    _sync_folder(folder)  # and the rename too


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every system syncs a folder (Windows)
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def when(stamp: Any) -> str:
    """An entry's time as a person reads it: 2026-12-02 03:58:22 UTC."""
    try:
        return datetime.fromisoformat(str(stamp)).strftime("%Y-%m-%d %H:%M:%S UTC")
    except ValueError:
        return str(stamp)
