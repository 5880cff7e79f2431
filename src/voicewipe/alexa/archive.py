"""The export on disk: <out>/<marketplace>/<account>/.

    voice-history.jsonl   one record per line, oldest first (sounds-history.jsonl and
                          smart-home-history.jsonl for the other histories): archive_lines
    audio/<id>.wav        each recording's audio, decompressed and playable: archive_audio
    manifest.json         what vouches for the rest: archive_manifest

Every file is written atomically, so a kill never leaves a half-written file under its final
name; the manifest is written last. Loading an archive again (a resumed export) trusts the
record lines and the audio files on disk, re-hashing any file the manifest does not know yet.

A record is *safe to delete* when its line is in the export and its audio is accounted for:
the file is there with the manifest's checksum, or the site said the recording has no audio.

The Archive ties the account's folder to its histories' indexes (archive_index), which are
never the whole records: see there. The names its callers use are re-exported here.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voicewipe import __version__, jsonlines
from voicewipe.alexa import archive_audio, archive_manifest
from voicewipe.alexa.archive_audio import Measured
from voicewipe.alexa.archive_index import (
    PARTS,
    AudioCheck,
    Entry,
    History,
    LineFile,
    ReadBack,
    account_folder_name,
    audio_file_name,
    fetch_item,
    history_file,
    iso_ms,
    lines_of,
    now_iso,
    utterance_id,
)
from voicewipe.alexa.archive_lines import read_history_file, take_lines, write_history_file
from voicewipe.alexa.archive_manifest import ForeignExport, Section
from voicewipe.errors import SafetyRefusal

__all__ = [
    "PARTS",
    "Archive",
    "AudioCheck",
    "Entry",
    "ForeignExport",
    "History",
    "LineFile",
    "Measured",
    "ReadBack",
    "account_folder_name",
    "audio_file_name",
    "history_file",
    "iso_ms",
    "lines_of",
    "now_iso",
]

_spool_numbers = itertools.count(1)


@dataclass(frozen=True)
class _Load:
    """A history to load: its index, its file, and what the manifest says of them."""

    history: History
    path: Path
    section: Section


class Archive:
    def __init__(
        self, root: Path, *, marketplace: str, account: str, site: str, kinds: Mapping[str, bool]
    ) -> None:
        self.root = root
        self.kinds = dict(kinds)  # each history's name: whether its records may have audio
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
        kinds: Mapping[str, bool],
        background: bool = False,
        read_back: ReadBack | None = None,
        place: str | None = None,
    ) -> Archive:
        """The account's archive, loaded from disk when there is one (for resume and checks).
        The manifest is read and checked at once (damaged, or made from another site: refused
        here); with `background`, the record lines (100 MB for 100,000 records) load in a
        thread while the browser starts, and the audio files of `read_back` (a history and a
        time range) are hashed after them (see archive_audio.start_read_back). `place`: the
        folder under `out` (default: the marketplace's name). `kinds`: the histories there
        are (vocabulary.yaml), each with whether its records may have audio."""
        archive = cls(cls.folder(out, place or marketplace, account), marketplace=marketplace,
                      account=account, site=site, kinds=kinds)  # fmt: skip
        loads = archive._read_manifest()
        if background:
            pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voicewipe-archive")
            archive._loading = pool.submit(archive._load, loads, read_back)
            pool.shutdown(wait=False)
        else:
            archive._load(loads, read_back)
        return archive

    def _read_manifest(self) -> list[_Load]:
        """The manifest, checked; the histories it or the folder holds, each with its index
        (empty until loaded) and what is to load into it."""
        manifest = archive_manifest.read_manifest(self.manifest_path)
        self.created = str(manifest.get("created", self.created))
        archive_manifest.check_site(self.root, self.site, manifest.get("site"))
        sections = {
            name: archive_manifest.section(manifest, name, self.manifest_path)
            for name in self.kinds
        }
        loads: list[_Load] = []
        for name, saved in sections.items():
            path = self.root / history_file(name)
            if not path.exists() and saved.vouched is None:
                continue
            history = self._histories[name] = History(name, self.kinds[name])
            history.ranges, history.audio_wanted = saved.ranges, saved.audio_wanted
            loads.append(_Load(history, path, saved))
        return loads

    def _load(self, loads: list[_Load], read_back: ReadBack | None) -> None:
        """Index the history files and their audio files; then start `read_back`."""
        self._clean_temporary_files()
        for one in loads:
            if one.path.exists():
                read_history_file(one.history, LineFile(one.path), one.section.vouched)
            archive_manifest.attach_audio(one.history, one.section.files)
        if read_back is not None and read_back.history in self._histories:
            history = self._histories[read_back.history]
            archive_audio.start_read_back(history, self.audio_dir, read_back)

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
            self.histories[name] = History(name, self.kinds[name])
        return self.histories[name]

    # --- adding what was listed -----------------------------------------------------------
    def take(self, name: str, lines: LineFile, *, audio: bool) -> tuple[int, int, list[str]]:
        """Merge the lines added to `lines` since the last call (a part file an export is
        listing into). A record already there keeps its audio state. Returns how many lines
        were read, how many records were new, and the keys of the new ones whose audio is to
        fetch."""
        history = self.history(name)
        history.audio_wanted = audio
        return take_lines(history, lines)

    def merge(self, name: str, lines: Iterable[dict[str, Any]], *, audio: bool) -> int:
        """Add listed records given in memory (spooled to a file of the archive's own).
        Returns how many were new."""
        path = self.parts_dir / f"merge-{os.getpid()}-{next(_spool_numbers)}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            for line in lines:
                out.write(jsonlines.line(line))
        spool = LineFile(path)
        self._spools.append(spool)
        return self.take(name, spool, audio=audio)[1]

    def add_range(self, name: str, start_ms: int, end_ms: int, reported: int) -> dict[str, Any]:
        history = self.history(name)
        written = sum(1 for _ in history.in_range(start_ms, end_ms))
        entry = archive_manifest.listed_range(start_ms, end_ms, reported=reported, written=written)
        history.ranges.append(entry)
        history.dirty = True
        return entry

    # --- audio ----------------------------------------------------------------------------
    def items(self, name: str, keys: Iterable[str]) -> list[dict[str, str]]:
        """What fetching these records' audio takes: [{uid, file, key}]."""
        entries = self.history(name).entries
        return [fetch_item(key, entries[key]) for key in keys]

    def audio_todo(self, name: str) -> list[dict[str, str]]:
        """The recordings whose audio is still to fetch, oldest first: [{uid, file, key}]."""
        pending = [
            (entry.timestamp_ms, key, entry)
            for key, entry in self.history(name).entries.items()
            if entry.has_audio is None and utterance_id(entry)
        ]
        pending.sort(key=lambda p: (p[0], p[1]))
        return [fetch_item(key, entry) for _, key, entry in pending]

    def hash_audio(self, items: Iterable[dict[str, str]]) -> list[Measured | None]:
        """Size, SHA-256 and time of each item's file as it is on disk (None: no file). Reads
        only: safe to run in a worker thread while the index changes."""
        return archive_audio.measure_files(self.audio_dir, items)

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
        archive_audio.settle(history, items, states)

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
        history = self.history(name)
        matching = archive_audio.read_saved(history, self.audio_dir, rehash=rehash)
        return archive_audio.check(history, matching)

    def safe_to_delete(self, name: str, start_ms: int, end_ms: int) -> dict[str, bool]:
        """The record keys of [start_ms, end_ms] that are safe to delete: their line is whole
        in a history file that matches its manifest, and their audio file was hashed now and
        matches the manifest's SHA-256 (or the site said they have none). Nothing is taken on
        trust from an earlier run: a damaged history file refuses the whole delete."""
        history = self.history(name)
        if history.damage is not None:
            raise SafetyRefusal(
                f"{self.root / history_file(name)} cannot be trusted ({history.damage}); "
                "nothing was deleted. Run `voicewipe export` again first: it lists the site "
                "afresh and mends the export"
            )
        span = ReadBack(name, start_ms, end_ms)
        matching = archive_audio.read_back(history, self.audio_dir, span)
        return {
            key: True
            for key, entry in history.in_range(start_ms, end_ms)
            if entry.has_audio is False or key in matching
        }

    # --- saving ---------------------------------------------------------------------------
    def save(self) -> None:
        """The record files that changed, then the manifest (last: it vouches for the rest)."""
        for history in self.histories.values():
            path = self.root / history_file(history.name)
            if history.dirty or not path.exists():
                write_history_file(history, path)
        for spool in self._spools:  # every record's line is in a history file now
            spool.path.unlink(missing_ok=True)
        self._spools.clear()
        head = {
            "voicewipe": __version__,
            "marketplace": self.marketplace,
            "account": self.account,
            "site": self.site,
            "created": self.created,
            "updated": now_iso(),
        }
        archive_manifest.write_manifest(self.manifest_path, head, self.histories)
