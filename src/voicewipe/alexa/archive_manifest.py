"""manifest.json: what vouches for the rest of the export, read and checked on open, written last.

It holds the ranges listed (and when), what the site reported and what was written, each
history file's SHA-256 and number of records, each audio file's size, SHA-256 and modification
time when it was hashed, the tool version and times. A manifest that is not what voicewipe
writes (damaged, or a hand edit of the wrong shape) is refused when the archive opens, and so
is one made from another site. It is written last, as it goes: 100,000 audio files' entries
are never one string.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voicewipe.alexa.archive_index import History, history_file, iso_ms, now_iso
from voicewipe.errors import SafetyRefusal, UsageError
from voicewipe.fsutil import atomic_writer

# An audio file as the manifest lists it: size, SHA-256 digest, record key (as found: a hand
# edit may have put anything there) and modification time (ns) when it was hashed.
SavedAudio = tuple[int, bytes, Any, int | None]


class ForeignExport(SafetyRefusal):
    """The folder holds the export of another site."""


@dataclass(frozen=True)
class Section:
    """What the manifest says of one history (all empty when it has no section for it)."""

    ranges: list[dict[str, Any]]
    audio_wanted: bool
    files: dict[str, SavedAudio]  # by file name
    vouched: tuple[Any, Any] | None  # the history file's SHA-256 and lines; None: no section


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest as saved, {} when there is none; a damaged one is refused."""
    if not path.exists():
        return {}
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise TypeError("not a JSON object")
    except (ValueError, TypeError, OSError, RecursionError) as error:
        raise UsageError(
            f"{path} is damaged ({error}); move the folder aside and export again"
        ) from None
    return manifest


def check_site(root: Path, site: str, saved: Any) -> None:
    """Refuses an export made from another site than `site` (`saved`: the manifest's)."""
    if saved not in (None, site):
        raise ForeignExport(
            f"{root} holds the export of {saved}, not of {site}: two sites' "
            "histories never merge. Give another --out folder (or move this one aside)"
        )


def section(manifest: dict[str, Any], name: str, path: Path) -> Section:
    """The history's section of the manifest read from `path`, checked for its shape."""
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
            f"{path} is damaged ({name}: {error!r}); move the folder aside and export again"
        ) from None
    vouched = (saved.get("sha256"), saved.get("records")) if saved else None
    return Section(ranges, bool(saved.get("audio_wanted", True)), files, vouched)


def listed_range(start_ms: int, end_ms: int, *, reported: int, written: int) -> dict[str, Any]:
    """A range as its history's section lists it: what the site reported, what was written."""
    return {
        "start_ms": start_ms,
        "end_ms": end_ms,
        "start": iso_ms(start_ms),
        "end": iso_ms(end_ms),
        "reported": reported,
        "written": written,
        "listed_at": now_iso(),
    }


def attach_audio(history: History, files: dict[str, SavedAudio]) -> None:
    """Each audio file the manifest lists, on its record's entry (when that names the file)."""
    for file, (size, sha, key, mtime_ns) in files.items():
        entry = history.entries.get(key) if isinstance(key, str) else None
        if entry is not None and entry.audio == file:
            entry.size, entry.sha256, entry.mtime_ns = size, sha, mtime_ns


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def write_manifest(path: Path, head: dict[str, Any], histories: dict[str, History]) -> None:
    """manifest.json, written as it goes: `head`'s fields, then each history's section. The
    same JSON as json.dump would give, one audio file a line."""
    with atomic_writer(path) as out:

        def put(text: str) -> None:
            out.write(text.encode())

        put("{\n")
        for key, value in head.items():
            put(f"  {_json(key)}: {_json(value)},\n")
        put('  "histories": {')
        for number, (name, history) in enumerate(histories.items()):
            put(f"{',' if number else ''}\n    {_json(name)}: {{\n")
            for key, value in _summary(history).items():
                put(f"      {_json(key)}: {_json(value)},\n")
            put('      "audio_files": {')
            for count, (file, item) in enumerate(_audio_files(history)):
                put(f"{',' if count else ''}\n        {_json(file)}: {_json(item)}")
            put("\n      }\n    }")
        put("\n  }\n}\n")


def _summary(history: History) -> dict[str, Any]:
    entries = history.entries.values()
    return {
        "file": history_file(history.name),
        "sha256": history.sha256,
        "records": history.lines,
        "with_audio": sum(1 for e in entries if e.has_audio is True),
        "audio_pending": sum(1 for e in entries if e.has_audio is None),
        "audio_wanted": history.audio_wanted,
        "ranges": history.ranges,
    }


def _audio_files(history: History) -> Iterator[tuple[str | None, dict[str, Any]]]:
    for key, entry in history.entries.items():
        if entry.has_audio and entry.sha256 is not None:
            item = {
                "size": entry.size,
                "sha256": entry.sha256.hex(),
                "record_key": key,
                "mtime_ns": entry.mtime_ns,
            }
            yield entry.audio, item
