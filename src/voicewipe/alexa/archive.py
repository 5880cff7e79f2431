"""The export on disk: <out>/<marketplace>/<account>/.

    voice-history.jsonl   one record per line, oldest first (sounds-history.jsonl and
                          smart-home-history.jsonl for the other histories)
    audio/<id>.wav        each recording's audio, decompressed and playable
    manifest.json         the ranges listed (and when), what the site reported and what was
                          written, each audio file's size, SHA-256 and modification time when
                          it was hashed, the tool version and times

Every file is written atomically, so a kill never leaves a half-written file under its final
name; the manifest is written last. Loading an archive again (a resumed export) trusts the
record lines and the audio files on disk, re-hashing any file the manifest does not know yet.

A record is *safe to delete* when its line is in the export and its audio is accounted for:
the file is there with the manifest's checksum, or the site said the recording has no audio.

An archive of 100,000 records is not held in memory. The index keeps, per record, its time,
its audio state (the file's name, size and SHA-256) and where its line is: in the history file,
or in the part file an export is listing into (read as it grows). The lines themselves are read
again only to write the history file, one at a time, and the manifest is written as it goes.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from voicewipe import __version__
from voicewipe.errors import SafetyRefusal, UsageError
from voicewipe.fsutil import atomic_writer

HISTORY_FILES = {
    "voice": "voice-history.jsonl",
    "sounds": "sounds-history.jsonl",
    "smart-home": "smart-home-history.jsonl",
}
PARTS = ".parts"  # files an export lists into, and lines merged from memory
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_spool_numbers = itertools.count(1)


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


def _uid(entry: Entry) -> str | None:
    """The record's utterance id: kept while its audio is to fetch, else read from its line."""
    if entry.uid is None and entry.has_audio is not False:
        found = json.loads(entry.source.line_at(entry.offset)).get("utterance_id")
        entry.uid = found or None
    return entry.uid


def _todo(key: str, entry: Entry) -> dict[str, str]:
    uid = _uid(entry)
    assert uid is not None
    return {"uid": uid, "file": audio_file_name(uid), "key": key}


# Worker threads reading audio files back. Two: a cold disk's waits overlap, and a warm
# cache's hashing is bound by one core (measured on 92,000 files in cache: 1 thread 1.9 s,
# 2 threads 1.8 s, 8 threads 3.2 s).
_HASHERS = 2


Measured = tuple[int, bytes, int]  # a file's size, SHA-256 digest and modification time (ns)


def _measure(path: Path | str) -> Measured:
    """A file's size and SHA-256 digest, and its modification time as it was read."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as stream:  # noqa: PTH123 (a str path: 100,000 files, no Path objects)
        mtime_ns = os.fstat(stream.fileno()).st_mtime_ns
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.digest(), mtime_ns


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _parse(raw: bytes, where: str) -> dict[str, Any]:
    try:
        record = json.loads(raw)
    except ValueError:
        raise UsageError(
            f"{where}: not a JSON line; the export is damaged, move it aside and export again"
        ) from None
    if not isinstance(record, dict) or "record_key" not in record:
        raise UsageError(f"{where}: not an export record")
    return record


@dataclass(frozen=True)
class _Load:
    """A history to load: its index, its file, its audio files and what the manifest says of
    the file (SHA-256 and lines; None: no manifest section)."""

    history: History
    path: Path
    files: dict[str, tuple[int, bytes, Any, int | None]]
    vouched: tuple[Any, Any] | None


class ForeignExport(SafetyRefusal):
    """The folder holds the export of another site."""


def _same_site(archive: Archive, site: Any) -> None:
    if site not in (None, archive.site):
        raise ForeignExport(
            f"{archive.root} holds the export of {site}, not of {archive.site}: two sites' "
            "histories never merge. Give another --out folder (or move this one aside)"
        )


def _mismatch(vouched: tuple[Any, Any] | None, sha256: str, lines: int) -> str | None:
    """How the history file differs from what the manifest says of it, or None."""
    if vouched is None:
        return "no manifest vouches for it"
    sha, count = vouched
    if count != lines:
        return f"it has {lines} records where the manifest says {count}"
    if sha != sha256:
        return "its checksum is not the manifest's"
    return None


def lines_of(history: History, keys: Iterable[str]) -> Iterator[tuple[str, dict[str, Any]]]:
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
            yield key, json.loads(readers[source].readline())
    finally:
        for reader in readers.values():
            reader.close()


class Archive:
    def __init__(self, root: Path, *, marketplace: str, account: str, site: str) -> None:
        self.root = root
        self.marketplace = marketplace
        self.account = account
        self.site = site
        self.created = now_iso()
        self._histories: dict[str, History] = {}
        self._loading: Future[None] | None = None  # the record lines, loading in the background
        self._spools: list[LineFile] = []  # lines merged from memory, removed on save

    @property
    def histories(self) -> dict[str, History]:
        """The histories' indexes, once their lines are loaded (a damaged line raises here)."""
        if self._loading is not None:
            loading, self._loading = self._loading, None
            loading.result()
        return self._histories

    @classmethod
    def folder(cls, out: Path, marketplace: str, account: str) -> Path:
        return out / marketplace / account_folder_name(account)

    @property
    def audio_dir(self) -> Path:
        return self.root / "audio"

    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    @property
    def parts_dir(self) -> Path:
        return self.root / PARTS

    # --- loading --------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        out: Path,
        *,
        marketplace: str,
        account: str,
        site: str,
        background: bool = False,
        read_back: ReadBack | None = None,
        place: str | None = None,
    ) -> Archive:
        """The account's archive, loaded from disk when there is one (for resume and checks).
        The manifest is read and checked at once (damaged, or made from another site: refused
        here); with `background`, the record lines (100 MB for 100,000 records) load in a
        thread while the browser starts, and the audio files of `read_back` (a history and a
        time range) are hashed after them (see _start_read_back). `place`: the folder under
        `out` (default: the marketplace's name)."""
        archive = cls(cls.folder(out, place or marketplace, account), marketplace=marketplace,
                      account=account, site=site)  # fmt: skip
        manifest: dict[str, Any] = {}
        if archive.manifest_path.exists():
            try:
                manifest = json.loads(archive.manifest_path.read_text(encoding="utf-8"))
                if not isinstance(manifest, dict):
                    raise TypeError("not a JSON object")
            except (ValueError, TypeError, OSError, RecursionError) as error:
                raise UsageError(
                    f"{archive.manifest_path} is damaged ({error}); move the folder aside and "
                    "export again"
                ) from None
            archive.created = str(manifest.get("created", archive.created))
            _same_site(archive, manifest.get("site"))
        loads: list[_Load] = []
        for name, file_name in HISTORY_FILES.items():
            try:  # JSON of the wrong shape (a hand edit): damaged too, not a bug
                saved = dict(manifest.get("histories", {}).get(name, {}))
                ranges = list(saved.get("ranges", []))
                files = {
                    file: (
                        int(v["size"]),
                        bytes.fromhex(v["sha256"]),
                        v.get("record_key"),
                        None if v.get("mtime_ns") is None else int(v["mtime_ns"]),
                    )
                    for file, v in dict(saved.get("audio_files", {})).items()
                }
            except (AttributeError, TypeError, ValueError, KeyError) as error:
                raise UsageError(
                    f"{archive.manifest_path} is damaged ({name}: {error!r}); move the folder "
                    "aside and export again"
                ) from None
            path = archive.root / file_name
            if not path.exists() and not saved:
                continue
            history = archive._histories[name] = History(name)
            history.ranges = ranges
            history.audio_wanted = bool(saved.get("audio_wanted", True))
            vouched = (saved.get("sha256"), saved.get("records")) if saved else None
            loads.append(_Load(history, path, files, vouched))

        def load() -> None:
            archive._clean_temporary_files()
            for one in loads:
                history = one.history
                if one.path.exists():
                    archive._load(history, LineFile(one.path), one.vouched)
                for file, (size, sha, key, mtime_ns) in one.files.items():  # on its entry
                    entry = history.entries.get(key) if isinstance(key, str) else None
                    if entry is not None and entry.audio == file:
                        entry.size, entry.sha256, entry.mtime_ns = size, sha, mtime_ns
            if read_back is not None and read_back.history in archive._histories:
                archive._start_read_back(archive._histories[read_back.history], read_back)

        if background:
            pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voicewipe-archive")
            archive._loading = pool.submit(load)
            pool.shutdown(wait=False)
        else:
            load()
        return archive

    def _load(self, history: History, lines: LineFile, vouched: tuple[Any, Any] | None) -> None:
        """Index the history file, checking it against what the manifest says of it (its
        SHA-256 and number of lines): a line dropped, changed or cut off is found here. Lines
        that are not whole records are left out and the history marked damaged."""
        digest = hashlib.sha256()
        count = 0
        for number, (offset, raw) in enumerate(lines.new_lines(), 1):
            digest.update(raw)
            count += 1
            try:
                record = _parse(raw, f"{lines.path}:{number}")
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
            history.damage = _mismatch(vouched, history.sha256, count)
        history.dirty = history.damage is not None  # written again, whole, when saved

    def _clean_temporary_files(self) -> None:
        """Temporary files a killed run left behind: never taken for whole ones, removed."""
        for folder in (self.root, self.audio_dir):
            if folder.is_dir():  # scandir: 100,000 audio files are listed in a blink
                with os.scandir(folder) as found:
                    for tmp in [e.path for e in found if e.name.startswith(".") and
                                e.name.endswith(".tmp")]:  # fmt: skip
                        with contextlib.suppress(OSError):
                            os.unlink(tmp)  # noqa: PTH108
        if self.parts_dir.is_dir():
            for spool in self.parts_dir.glob("merge-*.jsonl"):
                with contextlib.suppress(OSError):
                    spool.unlink()

    def history(self, name: str) -> History:
        if name not in self.histories:
            self.histories[name] = History(name)
        return self.histories[name]

    # --- adding what was listed -----------------------------------------------------------
    def take(self, name: str, lines: LineFile, *, audio: bool) -> tuple[int, int, list[str]]:
        """Merge the lines added to `lines` since the last call (a part file an export is
        listing into). A record already there keeps its audio state. Returns how many lines
        were read, how many records were new, and the keys of the new ones whose audio is to
        fetch."""
        history = self.history(name)
        history.audio_wanted = audio
        read = new = 0
        todo: list[str] = []
        for offset, raw in lines.new_lines():
            read += 1
            record = _parse(raw, f"{lines.path} at byte {offset}")
            key, uid = record["record_key"], record.get("utterance_id") or None
            old = history.entries.get(key)
            if old is not None:
                old.timestamp_ms = int(record["timestamp_ms"])
                old.uid = uid if old.has_audio is None else None
                old.source, old.offset = lines, offset
            else:
                new += 1
                # Only voice recordings have audio; the others are known to have none.
                has_audio = None if name == "voice" and uid else False
                entry = Entry(int(record["timestamp_ms"]), uid, has_audio, None, lines, offset)
                history.entries[key] = entry
                if has_audio is None:
                    todo.append(key)
            history.dirty = True
        return read, new, todo

    def merge(self, name: str, lines: Iterable[dict[str, Any]], *, audio: bool) -> int:
        """Add listed records given in memory (spooled to a file of the archive's own).
        Returns how many were new."""
        path = self.parts_dir / f"merge-{os.getpid()}-{next(_spool_numbers)}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as out:
            for line in lines:
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
        spool = LineFile(path)
        self._spools.append(spool)
        return self.take(name, spool, audio=audio)[1]

    def add_range(self, name: str, start_ms: int, end_ms: int, reported: int) -> dict[str, Any]:
        history = self.history(name)
        written = sum(1 for _ in history.in_range(start_ms, end_ms))
        entry = {
            "start_ms": start_ms,
            "end_ms": end_ms,
            "start": iso_ms(start_ms),
            "end": iso_ms(end_ms),
            "reported": reported,
            "written": written,
            "listed_at": now_iso(),
        }
        history.ranges.append(entry)
        history.dirty = True
        return entry

    # --- audio ----------------------------------------------------------------------------
    def items(self, name: str, keys: Iterable[str]) -> list[dict[str, str]]:
        """What fetching these records' audio takes: [{uid, file, key}]."""
        entries = self.history(name).entries
        return [_todo(key, entries[key]) for key in keys]

    def audio_todo(self, name: str) -> list[dict[str, str]]:
        """The recordings whose audio is still to fetch, oldest first: [{uid, file, key}]."""
        pending = [
            (entry.timestamp_ms, key, entry)
            for key, entry in self.history(name).entries.items()
            if entry.has_audio is None and _uid(entry)
        ]
        pending.sort(key=lambda p: (p[0], p[1]))
        return [_todo(key, entry) for _, key, entry in pending]

    def hash_audio(self, items: Iterable[dict[str, str]]) -> list[Measured | None]:
        """Size, SHA-256 and time of each item's file as it is on disk (None: no file). Reads
        only: safe to run in a worker thread while the index changes."""
        found: list[Measured | None] = []
        for item in items:
            path = self.audio_dir / item["file"]
            found.append(_measure(path) if path.is_file() else None)
        return found

    def settle_audio(
        self,
        name: str,
        items: list[dict[str, str]],
        hashed: list[Measured | None] | None = None,
    ) -> None:
        """After a download round: a file on disk is saved audio (hashed now, or given); no
        file means the site had no audio for it (a failed download stops the round instead)."""
        history = self.history(name)
        states = hashed if hashed is not None else self.hash_audio(items)
        for item, state in zip(items, states, strict=True):
            entry = history.entries[item["key"]]
            if state is not None:
                entry.audio, entry.has_audio = item["file"], True
                entry.size, entry.sha256, entry.mtime_ns = state
            else:
                entry.audio, entry.has_audio = None, False
            entry.uid = None  # settled: its line has it
        history.dirty = True

    def adopt_downloaded(self, name: str) -> int:
        """Audio files a killed run saved but did not record: hashed and taken (atomic writes
        mean a file under its final name is whole)."""
        adopted = [i for i in self.audio_todo(name) if (self.audio_dir / i["file"]).is_file()]
        if adopted:
            self.settle_audio(name, adopted)
        return len(adopted)

    def check_audio(self, name: str, *, rehash: bool = True) -> AudioCheck:
        """Re-read every audio file and compare it with the manifest (an export's
        verification: each file hashed again, whatever its time says; not `rehash`: only
        the files whose size or modification time changed since they were hashed)."""
        check = AudioCheck()
        history = self.history(name)
        matching = self._read_saved(history, rehash=rehash)
        for key, entry in history.entries.items():
            if entry.has_audio is False:
                check.no_audio += 1
            elif entry.has_audio is None:
                check.pending.append(key)
            elif key not in matching:
                check.bad.append(key)
                entry.has_audio = None  # fetch it again
                history.dirty = True
            else:
                check.saved += 1
        return check

    def safe_to_delete(self, name: str, start_ms: int, end_ms: int) -> dict[str, bool]:
        """The record keys of [start_ms, end_ms] that are safe to delete: their line is whole
        in a history file that matches its manifest, and their audio file was hashed now and
        matches the manifest's SHA-256 (or the site said they have none). Nothing is taken on
        trust from an earlier run: a damaged history file refuses the whole delete."""
        history = self.history(name)
        if history.damage is not None:
            raise SafetyRefusal(
                f"{self.root / HISTORY_FILES[name]} cannot be trusted ({history.damage}); "
                "nothing was deleted. Run `voicewipe export` again first: it lists the site "
                "afresh and mends the export"
            )
        span = ReadBack(name, start_ms, end_ms)
        ahead = history.reading_span
        if history.reading is not None and ahead is not None and ahead.covers(span):
            matching = history.reading.result()  # started ahead (Archive.open's read_back)
        else:
            matching = self._read_saved(history, rehash=True, span=span)
        history.reading, history.reading_span = None, None
        return {
            key: True
            for key, entry in history.in_range(start_ms, end_ms)
            if entry.has_audio is False or key in matching
        }

    def _start_read_back(self, history: History, span: ReadBack) -> None:
        """Start hashing the range's audio files in the background (a delete does it while
        the browser starts and signs in); `safe_to_delete` waits for it."""
        if history.reading is not None:
            return
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voicewipe-read-back")
        history.reading = pool.submit(self._read_saved, history, rehash=True, span=span)
        history.reading_span = span
        pool.shutdown(wait=False)

    def _read_saved(
        self, history: History, *, rehash: bool, span: ReadBack | None = None
    ) -> set[str]:
        """The records whose audio file is on disk with the checksum the manifest holds: each
        file hashed again, or (not `rehash`) only those whose size or modification time
        changed since they were hashed. In a few worker threads: on a cold disk, the waits
        overlap."""
        saved = [
            (k, e)
            for k, e in history.entries.items()
            if e.has_audio is True
            and (span is None or span.start_ms <= e.timestamp_ms <= span.end_ms)
        ]
        chunks = [saved[i::_HASHERS] for i in range(_HASHERS)]
        folder = str(self.audio_dir)

        def check(chunk: list[tuple[str, Entry]]) -> list[str]:
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
                    size, digest, mtime_ns = _measure(path)
                except OSError:
                    continue  # missing or unreadable: not matching
                if (size, digest) == (entry.size, entry.sha256):
                    entry.mtime_ns = mtime_ns  # hashed as it is now
                    found.append(key)
            return found

        with ThreadPoolExecutor(max_workers=_HASHERS) as pool:
            return {key for found in pool.map(check, chunks) for key in found}

    # --- saving ---------------------------------------------------------------------------
    def save(self) -> None:
        """The record files that changed, then the manifest (last: it vouches for the rest)."""
        for history in self.histories.values():
            if history.dirty or not (self.root / HISTORY_FILES[history.name]).exists():
                self._write_lines(history)
        for spool in self._spools:  # every record's line is in a history file now
            spool.path.unlink(missing_ok=True)
        self._spools.clear()
        self._write_manifest()

    def _write_manifest(self) -> None:
        """manifest.json, written as it goes: 100,000 audio files' entries are never one string.
        The same JSON as json.dump would give, one audio file a line."""
        head = {
            "voicewipe": __version__,
            "marketplace": self.marketplace,
            "account": self.account,
            "site": self.site,
            "created": self.created,
            "updated": now_iso(),
        }
        with atomic_writer(self.manifest_path) as out:

            def put(text: str) -> None:
                out.write(text.encode())

            put("{\n")
            for key, value in head.items():
                put(f"  {_json(key)}: {_json(value)},\n")
            put('  "histories": {')
            for number, (name, history) in enumerate(self.histories.items()):
                put(f"{',' if number else ''}\n    {_json(name)}: {{\n")
                for key, value in self._section(history).items():
                    put(f"      {_json(key)}: {_json(value)},\n")
                put('      "audio_files": {')
                files = (
                    (key, entry)
                    for key, entry in history.entries.items()
                    if entry.has_audio and entry.sha256 is not None
                )
                for count, (key, entry) in enumerate(files):
                    assert entry.sha256 is not None
                    item = {
                        "size": entry.size,
                        "sha256": entry.sha256.hex(),
                        "record_key": key,
                        "mtime_ns": entry.mtime_ns,
                    }
                    put(f"{',' if count else ''}\n        {_json(entry.audio)}: {_json(item)}")
                put("\n      }\n    }")
            put("\n  }\n}\n")

    def _write_lines(self, history: History) -> None:
        """The history file, oldest first, each line as listed with its audio state, written
        a line at a time; the index then points into it."""
        path = self.root / HISTORY_FILES[history.name]
        order = sorted(history.entries.items(), key=lambda kv: (kv[1].timestamp_ms, kv[0]))
        digest, offsets, position = hashlib.sha256(), [], 0
        readers: dict[Path, BinaryIO] = {}
        try:
            with atomic_writer(path) as out:
                for _, entry in order:
                    source = entry.source.path
                    if source not in readers:
                        readers[source] = source.open("rb")
                    readers[source].seek(entry.offset)
                    record = json.loads(readers[source].readline())
                    record["timestamp_ms"] = entry.timestamp_ms
                    record["audio"], record["has_audio"] = entry.audio, entry.has_audio
                    data = (json.dumps(record, ensure_ascii=False) + "\n").encode()
                    out.write(data)
                    digest.update(data)
                    offsets.append(position)
                    position += len(data)
        finally:
            for reader in readers.values():
                reader.close()
        written = LineFile(path)
        written.position = position
        for (_, entry), offset in zip(order, offsets, strict=True):
            entry.source, entry.offset = written, offset
        history.sha256, history.lines, history.dirty = digest.hexdigest(), len(order), False
        history.damage = None

    def _section(self, history: History) -> dict[str, Any]:
        entries = history.entries.values()
        return {
            "file": HISTORY_FILES[history.name],
            "sha256": history.sha256,
            "records": history.lines,
            "with_audio": sum(1 for e in entries if e.has_audio is True),
            "audio_pending": sum(1 for e in entries if e.has_audio is None),
            "audio_wanted": history.audio_wanted,
            "ranges": history.ranges,
        }
