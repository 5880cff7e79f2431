"""Small file helpers: atomic writes and checksums.

A crash, a kill or a full disk must never leave a half-written file that looks whole: every
file voicewipe writes goes to a temporary name in the same folder, is flushed to disk, and
only then renamed over its final name.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

_CHUNK = 1 << 16


def write_atomic(path: Path, data: bytes, *, mode: int = 0o644) -> None:
    """Write `data` to `path` whole or not at all; `mode` applies from the first byte (0o600
    for a file only its owner may read)."""
    with atomic_writer(path, mode=mode) as out:
        out.write(data)


def write_json_atomic(path: Path, value: Any) -> None:
    write_atomic(path, (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode())


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def slug(text: str, limit: int = 40) -> str:
    """A file-name-safe form of a label: `Open the filter menu` -> `open-the-filter-menu`."""
    cleaned = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return (cleaned[:limit].rstrip("-")) or "step"


@contextlib.contextmanager
def atomic_writer(path: Path, *, mode: int = 0o644) -> Iterator[BinaryIO]:
    """write_atomic() for a file too big to hold in memory: write to the stream given; the
    file appears under `path`, flushed to disk, only if the block ends without an error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode), "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        tmp.replace(path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(error, OSError) and error.filename is None:
            error.filename = str(path)  # a write or fsync says no file: this is the one
        raise
