"""The audio files against the index: each file's size and SHA-256, read back and compared.

audio/<id>.wav holds each recording's audio, decompressed and playable. The index keeps each
saved file's size, SHA-256 and modification time when it was hashed (the manifest writes them
down); a file counts as saved only while it is on disk with that size and checksum.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

from voicewipe.alexa.archive_index import AudioCheck, Entry, History, ReadBack

# Worker threads reading audio files back. Two: a cold disk's waits overlap, and a warm
# cache's hashing is bound by one core (measured on 92,000 files in cache: 1 thread 1.9 s,
# 2 threads 1.8 s, 8 threads 3.2 s).
_HASHERS = 2


Measured = tuple[int, bytes, int]  # a file's size, SHA-256 digest and modification time (ns)


def measure(path: Path | str) -> Measured:
    """A file's size and SHA-256 digest, and its modification time as it was read."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as stream:  # noqa: PTH123 (a str path: 100,000 files, no Path objects)
        mtime_ns = os.fstat(stream.fileno()).st_mtime_ns
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.digest(), mtime_ns


def measure_files(folder: Path, items: Iterable[dict[str, str]]) -> list[Measured | None]:
    """Size, SHA-256 and time of each item's file in `folder` (None: no file). Reads only:
    safe to run in a worker thread while the index changes."""
    found: list[Measured | None] = []
    for item in items:
        path = folder / item["file"]
        found.append(measure(path) if path.is_file() else None)
    return found


def settle(history: History, items: list[dict[str, str]], states: list[Measured | None]) -> None:
    """A file measured is saved audio; no file means the site had no audio for it."""
    for item, state in zip(items, states, strict=True):
        entry = history.entries[item["key"]]
        if state is not None:
            entry.audio, entry.has_audio = item["file"], True
            entry.size, entry.sha256, entry.mtime_ns = state
        else:
            entry.audio, entry.has_audio = None, False
        entry.uid = None  # settled: its line has it
    history.dirty = True


def check(history: History, matching: set[str]) -> AudioCheck:
    """Where the history's audio stands, `matching` being the records whose file was read
    back whole; a file missing or changed is to fetch again."""
    found = AudioCheck()
    for key, entry in history.entries.items():
        if entry.has_audio is False:
            found.no_audio += 1
        elif entry.has_audio is None:
            found.pending.append(key)
        elif key not in matching:
            found.bad.append(key)
            entry.has_audio = None  # fetch it again
            history.dirty = True
        else:
            found.saved += 1
    return found


def read_saved(
    history: History, folder: Path, *, rehash: bool, span: ReadBack | None = None
) -> set[str]:
    """The records whose audio file is on disk with the checksum the manifest holds: each
    file hashed again, or (not `rehash`) only those whose size or modification time
    changed since they were hashed. In a few worker threads: on a cold disk, the waits
    overlap."""
    saved = [
        (k, e)
        for k, e in history.entries.items()
        if e.has_audio is True and (span is None or span.start_ms <= e.timestamp_ms <= span.end_ms)
    ]
    chunks = [saved[i::_HASHERS] for i in range(_HASHERS)]
    with ThreadPoolExecutor(max_workers=_HASHERS) as pool:
        found = pool.map(partial(_matching, str(folder), rehash=rehash), chunks)
        return {key for keys in found for key in keys}


def _matching(folder: str, chunk: list[tuple[str, Entry]], *, rehash: bool) -> list[str]:
    """The records of `chunk` whose file matches its entry (see read_saved)."""
    found = []
    for key, entry in chunk:
        if entry.sha256 is None or not entry.audio:
            continue
        path = os.path.join(folder, entry.audio)  # noqa: PTH118 (str: no Path objects)
        try:
            if not rehash and entry.mtime_ns is not None:
                stat = os.stat(path)  # noqa: PTH116
                if (stat.st_size, stat.st_mtime_ns) == (entry.size, entry.mtime_ns):
                    found.append(key)
                    continue
            size, digest, mtime_ns = measure(path)
        except OSError:
            continue  # missing or unreadable: not matching
        if (size, digest) == (entry.size, entry.sha256):
            entry.mtime_ns = mtime_ns  # hashed as it is now
            found.append(key)
    return found


def start_read_back(history: History, folder: Path, span: ReadBack) -> None:
    """Start hashing the range's audio files in the background (a delete does it while
    the browser starts and signs in); `read_back` waits for it."""
    if history.reading is not None:
        return
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voicewipe-read-back")
    history.reading = pool.submit(read_saved, history, folder, rehash=True, span=span)
    history.reading_span = span
    pool.shutdown(wait=False)


def read_back(history: History, folder: Path, span: ReadBack) -> set[str]:
    """The records of `span` whose audio file was hashed now and matches: by the reading
    started ahead (Archive.open's read_back) when it covers the span, else here."""
    ahead = history.reading_span
    if history.reading is not None and ahead is not None and ahead.covers(span):
        matching = history.reading.result()
    else:
        matching = read_saved(history, folder, rehash=True, span=span)
    history.reading, history.reading_span = None, None
    return matching
