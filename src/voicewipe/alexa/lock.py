"""One run per account and one per export folder at a time: two runs clicking through one
account's pages (a cron job and a person, say) would race each other's filters and deletions,
and two runs writing one export folder would each write a history file without the other's
records, leaving audio files no manifest names.

A lock file, created exclusively, holding the process id: per site and account in the user's
state folder, and per export folder inside it. A lock whose process is gone (a crash, a kill)
is stale and taken over.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import platformdirs
from loguru import logger

from voicewipe.alexa.sessions import site_account_name
from voicewipe.errors import SafetyRefusal


class AccountBusy(SafetyRefusal):
    """Another run holds this account's lock."""


def lock_file(site: str, account: str) -> Path:
    folder = Path(platformdirs.user_state_dir("voicewipe", appauthor=False)) / "locks"
    return folder / f"{site_account_name(site, account)}.lock"


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def _holder(path: Path) -> dict[str, object]:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


FOLDER_LOCK = ".voicewipe.lock"


def account_lock(site: str, account: str, command: str) -> contextlib.AbstractContextManager[Path]:
    return _hold(lock_file(site, account), command, f"is working on {account}")


def folder_lock(folder: Path, command: str) -> contextlib.AbstractContextManager[Path]:
    """The export folder's lock (the folder is made, private, if it is not there yet)."""
    return _hold(folder / FOLDER_LOCK, command, f"is writing the export in {folder}")


@contextlib.contextmanager
def _hold(path: Path, command: str, doing: str) -> Iterator[Path]:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    me = {"pid": os.getpid(), "command": command, "since": datetime.now(UTC).isoformat()}
    for _ in range(3):
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            holder = _holder(path)
            pid = holder.get("pid")
            if isinstance(pid, int) and _alive(pid):
                raise AccountBusy(
                    f"another voicewipe run ({holder.get('command')}, process {pid}, since "
                    f"{holder.get('since')}) {doing}; try again when it has finished (its "
                    f"lock is {path})"
                ) from None
            logger.warning(f"taking over the lock of a run that is gone (process {pid})")
            path.unlink(missing_ok=True)
            continue
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(me, out)
        break
    else:
        raise AccountBusy(f"could not take the lock {path}; another run keeps taking it")
    try:
        yield path
    finally:
        if _holder(path).get("pid") == os.getpid():
            path.unlink(missing_ok=True)
