"""What must hold after anything, checked where it happens: the mock site's keys (what is on
it, what it deleted) against the export on disk (record lines, audio files, manifest).

    nothing lost        every recording the site deleted is in the export, its audio file
                        whole (the manifest's size and SHA-256) or known to have none,
                        unless it was deleted with --no-export on purpose
    nothing doubled     no record key twice in the export
    nothing half-taken  every file the manifest vouches for is whole; no temporary file is
                        named in it
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from voicewipe.mock import MockSite

ACCOUNT = "demo@example.com"


def archive_of(out: Path, marketplace: str = "amazon.com") -> Path:
    return out / marketplace / ACCOUNT


def exported_records(out: Path) -> list[dict[str, Any]]:
    path = archive_of(out) / "voice-history.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def check(
    mock: MockSite,
    out: Path,
    *,
    deleted_on_purpose: Iterable[str] = (),
    damaged_on_purpose: Iterable[str] = (),
) -> dict[str, int]:
    """Assert the three promises; returns a few counts for the caller's own checks.
    `damaged_on_purpose`: audio files a test changed in place, which may differ from the
    manifest (no run made them so) but whose recordings must then not be deleted."""
    keys = mock.keys("voice")
    deleted = set(keys["deleted"]) - set(deleted_on_purpose)
    archive = archive_of(out)
    records = exported_records(out)
    by_key = {r["record_key"]: r for r in records}
    assert len(by_key) == len(records), "a record is in the export twice"

    manifest_path = archive / "manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8")) if manifest_path.exists() else {}
    files = manifest.get("histories", {}).get("voice", {}).get("audio_files", {})
    damaged = set(damaged_on_purpose)
    spoilt = set()  # damaged on purpose, and still not what the manifest says
    for name, saved in files.items():
        path = archive / "audio" / name
        assert not name.endswith(".tmp"), f"the manifest names a temporary file: {name}"
        assert path.is_file(), f"the manifest vouches for {name}, which is not on disk"
        data = path.read_bytes()
        assert len(data) == saved["size"], f"{name} is not whole ({len(data)} bytes)"
        if hashlib.sha256(data).hexdigest() != saved["sha256"]:
            assert name in damaged, f"{name} does not match"
            spoilt.add(name)

    lost = sorted(k for k in deleted if k not in by_key)
    assert not lost, f"{len(lost)} deleted recordings are not in the export, e.g. {lost[:3]}"
    for key in deleted:
        record = by_key[key]
        if record.get("has_audio") is False:
            continue
        assert record.get("has_audio") is True, f"{key} was deleted with its audio unsettled"
        assert record["audio"] in files, f"{key} was deleted before its audio was vouched for"
        assert record["audio"] not in spoilt, f"{key} was deleted while its audio was damaged"
    return {"exported": len(records), "deleted": len(deleted), "present": len(keys["present"])}
