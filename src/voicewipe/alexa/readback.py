"""What an earlier run deleted and never read back (its journal entry, alexa/journal.py), read
back from the site at the start of the next run for the account, and said in its summary.

The range is listed again through the list flow, as an export lists it (read only); of the
keys the stopped run's check had listed before its click, those the site no longer lists
were deleted, the others remain. A bulk deletion takes the site a moment: while the count
left still falls, the range is read again, a few seconds apart.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from loguru import logger

from voicewipe.alexa import contracts, journal, ledger
from voicewipe.alexa.archive import Archive
from voicewipe.alexa.job import AlexaJob
from voicewipe.alexa.progress import Listing

_AGAIN_S = 2.0  # between two read-backs while the site is still deleting
_READS = 15  # at most
_STEADY = 3  # the same count this many reads running: the site has done what it will


async def read_back_pending(job: AlexaJob, archive: Archive) -> None:
    """Each deletion a stopped run had sent, read back and said once (then forgotten)."""
    for entry in journal.pending(archive.root):
        checked = set(entry.get("checked") or [])
        title = f"reading back a deletion an interrupted run sent ({entry.get('history')})"
        with job.terminal.phase(Listing(title)):
            still = await _remaining(job, archive, entry, checked)
        if still is None:
            continue  # the history could not be listed: the entry waits for another run
        remaining = len(still)
        deleted = len(checked) - remaining
        # Written down in the ledger as the stopped run's deletions: it sent them.
        stopped_run = Path(str(entry.get("run") or job.job.folder.path)).name
        gone = [key for key in entry.get("checked") or [] if key not in still]
        ledger.record(archive.root, str(entry.get("history") or "voice"), gone, stopped_run)
        said = {
            "at": entry.get("at"),
            "run_folder": entry.get("run"),
            "history": entry.get("history"),
            "scope": entry.get("scope"),
            "sent": len(checked),
            "deleted": deleted,
            "remaining": remaining,
        }
        job.summary.setdefault("interrupted_earlier", []).append(said)
        logger.info(
            f"an interrupted run at {journal.when(entry.get('at'))} had sent a deletion of "
            f"{len(checked)} recordings ({entry.get('scope')}); read back: {deleted} were "
            f"deleted, {remaining} remain"
        )
        journal.remove(archive.root, {entry["id"]})


async def _remaining(
    job: AlexaJob, archive: Archive, entry: dict[str, Any], checked: set[str]
) -> set[str] | None:
    """Those of `checked` the site still lists in the entry's range (None: it could not be
    listed), read again while their number still falls."""
    counts: list[int] = []
    still: set[str] = set()
    for _ in range(_READS):
        present = await _listed(job, archive, entry)
        if present is None:
            return None
        still = checked & present
        counts.append(len(still))
        if counts[-1] == 0 or counts[-_STEADY:] == [counts[-1]] * _STEADY:
            break
        await asyncio.sleep(_AGAIN_S)
    return still


async def _listed(job: AlexaJob, archive: Archive, entry: dict[str, Any]) -> set[str] | None:
    """The record keys the site lists in the entry's range, through the list flow."""
    history = str(entry.get("history") or "voice")
    where = Path(archive.root.resolve().relative_to(job.options.out_dir.resolve()))
    part = where / ".parts" / f"read-back-{entry['id']}.jsonl"
    path = job.options.out_dir / part
    path.unlink(missing_ok=True)
    try:
        out = await job.flow(
            "list",
            history=history,
            start_ms=int(entry.get("start_ms") or 0),
            end_ms=int(entry.get("end_ms") or 0),
            to=str(part),
        )
        if not contracts.read(contracts.Listed, "list", out).present:
            return None
        lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        return {json.loads(line)["record_key"] for line in lines if line.strip()}
    finally:
        path.unlink(missing_ok=True)
