"""The export's index: what it keeps of each record, and the files its lines are in.

An archive of 100,000 records is not held in memory. The index keeps, per record, its time,
its audio state (the file's name, size and SHA-256) and where its line is: in the history file,
or in the part file an export is listing into (read as it grows). The lines themselves are read
again only to write the history file, one at a time.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from voicewipe import jsonlines
from voicewipe.errors import UsageError


def history_file(name: str) -> str:
    """The file a history's export lines are kept in, beside the manifest."""
    return f"{name}-history.jsonl"


PARTS = ".parts"  # files an export lists into, and lines merged from memory
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def audio_file_name(utterance_id: str) -> str:
    """A file name for an utterance id (which holds '/' and ':'): readable, and unique because
    a short hash of the id is added whenever a character had to be replaced."""
    safe = _UNSAFE.sub("_", utterance_id).strip("._")[:120] or "recording"
    if safe != utterance_id:
        safe += "-" + hashlib.sha1(utterance_id.encode()).hexdigest()[:10]
    return f"{safe}.wav"


def account_folder_name(account: str) -> str:
    """The account's folder: its e-mail address, with anything unsafe in a path replaced."""
    return re.sub(r"[^A-Za-z0-9@._+-]", "_", account).strip("._") or "account"


def iso_ms(ms: int) -> str:
    return (
        datetime.fromtimestamp(ms / 1000, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class LineFile:
    """A JSON lines file, read as it grows (whole lines only, each with where it starts); its
    lines are read again later by where they start (Archive.save)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.position = 0

    def new_lines(self) -> Iterator[tuple[int, bytes]]:
        """The whole lines added since the last call, one at a time: (where each starts, the
        line). A line still being written is left for a later call."""
        try:
            handle = self.path.open("rb")
        except FileNotFoundError:
            return
        with handle:
            handle.seek(self.position)
            while True:
                raw = handle.readline()
                if not raw.endswith(b"\n"):
                    return
                offset = self.position
                self.position += len(raw)
                if raw.strip():
                    yield offset, raw

    def line_at(self, offset: int) -> bytes:
        with self.path.open("rb") as handle:
            handle.seek(offset)
            return handle.readline()


@dataclass(slots=True)
class Entry:
    """What the index keeps of one record: enough to sort it, fetch and check its audio, and
    find its line."""

    timestamp_ms: int
    # The utterance id its audio is asked for by; forgotten once the audio is settled (its
    # line has it, should it be wanted again).
    uid: str | None
    has_audio: bool | None  # None: not known yet (to fetch)
    audio: str | None  # the audio file's name, once saved
    source: LineFile
    offset: int
    size: int | None = None  # the audio file's, as saved
    sha256: bytes | None = None  # the audio file's, as saved (the digest itself: half the text)
    # The file's modification time when it was last read and hashed: a check before deleting
    # hashes it again only if its size or this time changed since (as git's index and rsync
    # do), so a delete of 100,000 recordings checks them in a second, not in ten.
    mtime_ns: int | None = None


@dataclass(frozen=True)
class ReadBack:
    """A history's records in a time range (ms, inclusive), whose audio a delete will check."""

    history: str
    start_ms: int
    end_ms: int

    def covers(self, other: ReadBack) -> bool:
        return (
            self.history == other.history
            and self.start_ms <= other.start_ms
            and other.end_ms <= self.end_ms
        )


@dataclass
class AudioCheck:
    """Where a history's audio stands: what is saved and verified, and what is not."""

    saved: int = 0
    no_audio: int = 0
    pending: list[str] = field(default_factory=list)  # record keys not yet fetched
    bad: list[str] = field(default_factory=list)  # files missing or with the wrong checksum


@dataclass
class History:
    """One history's index (by record key) and its part of the manifest."""

    name: str
    # Whether its records may have audio (vocabulary.yaml's `audio`): where not, a record is
    # known to have none, whatever the export asked for.
    has_audio: bool
    entries: dict[str, Entry] = field(default_factory=dict)
    ranges: list[dict[str, Any]] = field(default_factory=list)
    audio_wanted: bool = True
    sha256: str | None = None  # of the history file as it is on disk
    lines: int = 0  # in the history file as it is on disk
    dirty: bool = False  # the index holds what the history file does not say yet
    reading: Future[set[str]] | None = None  # the audio being checked in the background
    reading_span: ReadBack | None = None  # which records' audio that is
    # Why the history file on disk cannot be trusted (a line dropped or cut off, a checksum
    # or count that is not the manifest's), or None. A delete refuses; an export mends it.
    damage: str | None = None

    def in_range(self, start_ms: int, end_ms: int) -> Iterator[tuple[str, Entry]]:
        return (
            (key, entry)
            for key, entry in self.entries.items()
            if start_ms <= entry.timestamp_ms <= end_ms
        )


def utterance_id(entry: Entry) -> str | None:
    """The record's utterance id: kept while its audio is to fetch, else read from its line."""
    if entry.uid is None and entry.has_audio is not False:
        found = jsonlines.loads(entry.source.line_at(entry.offset)).get("utterance_id")
        entry.uid = found or None
    return entry.uid


def fetch_item(key: str, entry: Entry) -> dict[str, str]:
    """What fetching the record's audio takes: {uid, file, key}."""
    uid = utterance_id(entry)
    assert uid is not None
    return {"uid": uid, "file": audio_file_name(uid), "key": key}


def parse_record(raw: bytes, where: str) -> dict[str, Any]:
    """An export line as a record; `where` (file and line, or byte) starts the error."""
    try:
        record = jsonlines.loads(raw)
    except ValueError:
        raise UsageError(
            f"{where}: not a JSON line; the export is damaged, move it aside and export again"
        ) from None
    if not isinstance(record, dict) or "record_key" not in record:
        raise UsageError(f"{where}: not an export record")
    return record


def lines_of(
    history: History, keys: Iterable[str]
) -> Generator[tuple[str, dict[str, Any]], None, None]:
    """Each record's export line, parsed: read where the index says it is, each file opened
    once."""
    readers: dict[Path, BinaryIO] = {}
    try:
        for key in keys:
            entry = history.entries[key]
            source = entry.source.path
            if source not in readers:
                readers[source] = source.open("rb")
            readers[source].seek(entry.offset)
            yield key, jsonlines.loads(readers[source].readline())
    finally:
        for reader in readers.values():
            reader.close()
