"""The export on disk: <out>/<marketplace>/<account>/.

    voice-history.jsonl   one record per line, oldest first (sounds-history.jsonl and
                          smart-home-history.jsonl for the other histories)
    audio/<id>.wav        each recording's audio, decompressed and playable
    manifest.json         the ranges listed, what the site reported and what was written, each
                          audio file's size and SHA-256, the tool version and times

Every file is written atomically, so a kill never leaves a half-written file under its final
name; the manifest is written last. Loading an archive again (a resumed export) trusts the
record lines and the audio files on disk, re-hashing any file the manifest does not know yet.

A record is *safe to delete* when its line is in the export and its audio is accounted for:
the file is there with the manifest's checksum, or the site said the recording has no audio.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from voicewipe import __version__
from voicewipe.errors import UsageError
from voicewipe.fsutil import sha256_file, write_atomic, write_json_atomic

HISTORY_FILES = {
    "voice": "voice-history.jsonl",
    "sounds": "sounds-history.jsonl",
    "smart-home": "smart-home-history.jsonl",
}
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


@dataclass
class AudioCheck:
    """Where a history's audio stands: what is saved and verified, and what is not."""

    saved: int = 0
    no_audio: int = 0
    pending: list[str] = field(default_factory=list)  # record keys not yet fetched
    bad: list[str] = field(default_factory=list)  # files missing or with the wrong checksum


@dataclass
class History:
    """One history's records (by record key) and its part of the manifest."""

    name: str
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    ranges: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # audio file -> size, sha256
    audio_wanted: bool = True

    def sorted_records(self) -> list[dict[str, Any]]:
        return sorted(self.records.values(), key=lambda r: (r["timestamp_ms"], r["record_key"]))

    def in_range(self, start_ms: int, end_ms: int) -> Iterator[dict[str, Any]]:
        return (r for r in self.records.values() if start_ms <= r["timestamp_ms"] <= end_ms)


class Archive:
    def __init__(self, root: Path, *, marketplace: str, account: str, site: str) -> None:
        self.root = root
        self.marketplace = marketplace
        self.account = account
        self.site = site
        self.created = now_iso()
        self.histories: dict[str, History] = {}

    @classmethod
    def folder(cls, out: Path, marketplace: str, account: str) -> Path:
        return out / marketplace / account_folder_name(account)

    @property
    def audio_dir(self) -> Path:
        return self.root / "audio"

    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    # --- loading --------------------------------------------------------------------------
    @classmethod
    def open(cls, out: Path, *, marketplace: str, account: str, site: str) -> Archive:
        """The account's archive, loaded from disk when there is one (for resume and checks)."""
        archive = cls(cls.folder(out, marketplace, account), marketplace=marketplace,
                      account=account, site=site)  # fmt: skip
        manifest: dict[str, Any] = {}
        if archive.manifest_path.exists():
            try:
                manifest = json.loads(archive.manifest_path.read_text(encoding="utf-8"))
                if not isinstance(manifest, dict):
                    raise TypeError("not a JSON object")
            except (ValueError, TypeError, OSError) as error:
                raise UsageError(
                    f"{archive.manifest_path} is damaged ({error}); move the folder aside and "
                    "export again"
                ) from None
            archive.created = str(manifest.get("created", archive.created))
        for name, file_name in HISTORY_FILES.items():
            saved = manifest.get("histories", {}).get(name, {})
            path = archive.root / file_name
            if not path.exists() and not saved:
                continue
            history = archive.history(name)
            history.ranges = list(saved.get("ranges", []))
            history.files = dict(saved.get("audio_files", {}))
            history.audio_wanted = bool(saved.get("audio_wanted", True))
            if path.exists():
                for line_no, record in enumerate(_read_lines(path), 1):
                    if not isinstance(record, dict) or "record_key" not in record:
                        raise UsageError(f"{path}:{line_no}: not an export record")
                    history.records[record["record_key"]] = record
        archive._clean_temporary_files()
        return archive

    def _clean_temporary_files(self) -> None:
        """Temporary files a killed run left behind: never taken for whole ones, removed."""
        for folder in (self.root, self.audio_dir):
            if folder.is_dir():
                for tmp in folder.glob(".*.tmp"):
                    with contextlib.suppress(OSError):
                        tmp.unlink()

    def history(self, name: str) -> History:
        if name not in self.histories:
            self.histories[name] = History(name)
        return self.histories[name]

    # --- adding what was listed -----------------------------------------------------------
    def merge(self, name: str, lines: Iterable[dict[str, Any]], *, audio: bool) -> int:
        """Add listed records; a record already there keeps its audio state. Returns how many
        were new."""
        history = self.history(name)
        history.audio_wanted = audio
        new = 0
        for line in lines:
            key = line["record_key"]
            old = history.records.get(key)
            record = dict(line)
            record["timestamp_ms"] = int(record["timestamp_ms"])
            if old is not None:
                record["audio"] = old.get("audio")
                record["has_audio"] = old.get("has_audio")
            else:
                new += 1
                record["audio"] = None
                # Only voice recordings have audio; the others are known to have none.
                record["has_audio"] = (
                    None if name == "voice" and record.get("utterance_id") else False
                )
            history.records[key] = record
        return new

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
        return entry

    # --- audio ----------------------------------------------------------------------------
    def audio_todo(self, name: str) -> list[dict[str, str]]:
        """The recordings whose audio is still to fetch: [{uid, file, key}]."""
        todo = []
        for record in self.history(name).sorted_records():
            if record.get("has_audio") is None and record.get("utterance_id"):
                todo.append({
                    "uid": record["utterance_id"],
                    "file": audio_file_name(record["utterance_id"]),
                    "key": record["record_key"],
                })  # fmt: skip
        return todo

    def settle_audio(self, name: str, items: Iterable[dict[str, str]]) -> None:
        """After a download round: a file on disk is saved audio (hashed now); no file means
        the site had no audio for it (a failed download stops the round instead)."""
        history = self.history(name)
        for item in items:
            record = history.records[item["key"]]
            path = self.audio_dir / item["file"]
            if path.is_file():
                history.files[item["file"]] = {
                    "size": path.stat().st_size,
                    "sha256": sha256_file(path),
                    "record_key": item["key"],
                }
                record["audio"], record["has_audio"] = item["file"], True
            else:
                record["audio"], record["has_audio"] = None, False

    def adopt_downloaded(self, name: str) -> int:
        """Audio files a killed run saved but did not record: hashed and taken (atomic writes
        mean a file under its final name is whole)."""
        adopted = [i for i in self.audio_todo(name) if (self.audio_dir / i["file"]).is_file()]
        self.settle_audio(name, adopted)
        return len(adopted)

    def check_audio(self, name: str) -> AudioCheck:
        """Re-read every audio file and compare it with the manifest."""
        check = AudioCheck()
        history = self.history(name)
        for record in history.records.values():
            state = record.get("has_audio")
            if state is False:
                check.no_audio += 1
            elif state is None:
                check.pending.append(record["record_key"])
            else:
                if not self._audio_matches(history, record):
                    check.bad.append(record["record_key"])
                    record["has_audio"] = None  # fetch it again
                else:
                    check.saved += 1
        return check

    def verified_keys(self, name: str) -> dict[str, bool]:
        """Record keys safe to delete: in the export, audio saved and matching, or none."""
        history = self.history(name)
        keys: dict[str, bool] = {}
        for key, record in history.records.items():
            state = record.get("has_audio")
            if state is False or (state is True and self._audio_matches(history, record)):
                keys[key] = True
        return keys

    def _audio_matches(self, history: History, record: dict[str, Any]) -> bool:
        """The record's audio file is on disk with the checksum the manifest holds."""
        file = record.get("audio") or ""
        saved = history.files.get(file)
        path = self.audio_dir / file
        return saved is not None and path.is_file() and sha256_file(path) == saved["sha256"]

    # --- saving ---------------------------------------------------------------------------
    def save(self) -> None:
        """The record files, then the manifest (last: it vouches for the rest)."""
        sections: dict[str, Any] = {}
        for name, history in self.histories.items():
            path = self.root / HISTORY_FILES[name]
            data = "".join(
                json.dumps(r, ensure_ascii=False) + "\n" for r in history.sorted_records()
            ).encode()
            write_atomic(path, data)
            with_audio = sum(1 for r in history.records.values() if r.get("has_audio") is True)
            pending = sum(1 for r in history.records.values() if r.get("has_audio") is None)
            sections[name] = {
                "file": HISTORY_FILES[name],
                "sha256": hashlib.sha256(data).hexdigest(),
                "records": len(history.records),
                "with_audio": with_audio,
                "audio_pending": pending,
                "audio_wanted": history.audio_wanted,
                "ranges": history.ranges,
                "audio_files": history.files,
            }
        write_json_atomic(
            self.manifest_path,
            {
                "voicewipe": __version__,
                "marketplace": self.marketplace,
                "account": self.account,
                "site": self.site,
                "created": self.created,
                "updated": now_iso(),
                "histories": sections,
            },
        )


def _read_lines(path: Path) -> Iterator[Any]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except ValueError:
                raise UsageError(
                    f"{path}:{number}: not a JSON line; the export is damaged, move it aside and "
                    "export again"
                ) from None
