"""What each command does, in terms of flows and the export on disk.

Each operation adds its part to the job's summary as it goes (so a run that stops part-way
still reports what it did) and raises when something must stop the command:
StepFailed (exit 1) when a deletion did not hold, SafetyRefusal (exit 4) when deleting would
lose something, Rehearsal when a destructive step was reached without --yes.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from loguru import logger

from voicewipe.alexa import contracts
from voicewipe.alexa.archive import Archive
from voicewipe.alexa.autodelete import auto_delete
from voicewipe.alexa.job import AlexaJob
from voicewipe.alexa.pipeline import list_and_fetch, part_file
from voicewipe.alexa.progress import deletion_progress
from voicewipe.errors import SafetyRefusal, StepFailed
from voicewipe.runner.runner import Rehearsal

END_MS = 2**53  # an open end, for the export on disk: later than any record


@dataclass(frozen=True)
class Period:
    """Whole local days, as the page's date pickers mean them; open ends mean "all"."""

    since: date | None = None
    until: date | None = None

    @property
    def start_ms(self) -> int:
        if self.since is None:
            return 0
        return int(datetime.combine(self.since, time.min).astimezone().timestamp() * 1000)

    @property
    def end_ms(self) -> int:
        """0 means "now" (the flow asks the clock when it lists)."""
        if self.until is None:
            return 0
        end = datetime.combine(self.until, time.max).astimezone()
        return int(end.timestamp() * 1000)

    @property
    def whole(self) -> bool:
        return self.since is None and self.until is None

    def describe(self) -> str:
        if self.whole:
            return "all history"
        return f"{self.since or 'the start'} to {self.until or 'today'}"


def _relative(job: AlexaJob, archive: Archive) -> str:
    return str(archive.root.resolve().relative_to(job.options.out_dir.resolve()))


# --- export -----------------------------------------------------------------------------------
async def export(
    job: AlexaJob, archive: Archive, period: Period, *, history: str = "voice", audio: bool = True
) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "history": history,
        "period": period.describe(),
        "folder": str(archive.root),
    }
    job.summary["export"] = summary
    damage = archive.history(history).damage
    if damage is not None:
        summary["mended"] = damage
        logger.warning(
            f"the export's {history} history cannot be trusted ({damage}): listing the site "
            "afresh mends it"
        )
    where = _relative(job, archive)
    listed = await list_and_fetch(
        job,
        archive,
        history=history,
        start_ms=period.start_ms,
        end_ms=period.end_ms,
        part=part_file(where, history, period.start_ms, period.end_ms),
        audio_dir=f"{where}/audio",
        audio=audio and history == "voice",
    )
    found = contracts.read(contracts.Listed, "list", listed.outputs)
    reported = found.count
    summary.update(reported=reported, new=listed.new)
    listed_range = archive.add_range(history, period.start_ms, found.end_ms, reported)
    check = archive.check_audio(history)  # every file read again: the export's verification
    archive.save()
    (job.options.out_dir / part_file(where, history, period.start_ms, period.end_ms)).unlink(
        missing_ok=True
    )
    summary.update(
        records=len(archive.history(history).entries),
        written=listed_range["written"],
        audio_fetched=listed.fetched,
        audio_adopted=listed.adopted,
        audio_refetched=len(listed.before.bad) if listed.before else 0,
        with_audio=check.saved,
        no_audio=check.no_audio,
        audio_pending=len(check.pending),
        audio_bad=len(check.bad),
        verified=listed_range["written"] >= listed_range["reported"]
        and not check.bad
        and (not audio or not check.pending),
        manifest=str(archive.manifest_path),
    )
    return summary


# --- delete -----------------------------------------------------------------------------------
async def delete(
    job: AlexaJob,
    archive: Archive,
    period: Period,
    *,
    history: str = "voice",
    device: str | None = None,
    profile: str | None = None,
    require_export: bool = True,
) -> dict[str, Any]:
    """Delete through the page after its check: the flow lists every record the filters
    cover and refuses if one is not in `exported` (the keys the export on disk holds whole,
    each audio file hashed now). Every count is the site's: what the check listed, and of
    that what the read-back no longer lists."""
    summary: dict[str, Any] = {
        "history": history,
        "period": period.describe(),
        "device": device,
        "profile": profile,
        "export_required": require_export,
    }
    job.summary["delete"] = summary
    exported = (  # every audio file of the range hashed now (begun while the browser started)
        await asyncio.to_thread(
            archive.safe_to_delete, history, period.start_ms, period.end_ms or END_MS
        )
        if require_export
        else {}
    )
    scope = period.describe() + (f", device {device}" if device else ", every device")
    scope += f", profile {profile}" if profile else ""
    try:
        with deletion_progress(job):
            out = await job.flow(
                "delete",
                history=history,
                period="all" if period.whole else "range",
                since=(period.since or date(1970, 1, 1)).isoformat(),
                until=(period.until or date.today()).isoformat(),
                start_ms=period.start_ms,
                end_ms=period.end_ms,
                device=device or "",
                profile=profile or "",
                exported=exported,
                require_export=require_export,
                scope=scope,
            )
    except Rehearsal:
        would = contracts.partial("delete", job.job.result.outputs, "count")
        summary.update(rehearsal=True, would_delete=would, deleted=0)
        raise
    return _deleted(job, summary, contracts.read(contracts.Deleted, "delete", out))


def _deleted(job: AlexaJob, summary: dict[str, Any], out: contracts.Deleted) -> dict[str, Any]:
    """The delete's counts, from the listings alone: what was checked (by every attempt, when
    the session ended and the flow ran again), what is gone of it, what is left; and what the
    site says it deleted beyond that."""
    earlier = job.earlier_outputs.get("delete", {})
    first_checked = contracts.partial("delete", earlier, "checked") or []
    checked = set(out.checked) | set(first_checked)
    left = set(out.left)
    deleted = len(checked - left)
    remaining = len(checked & left)
    first_said = contracts.partial("delete", earlier, "site_deleted")
    said = [n for n in (first_said, out.site_deleted) if n is not None]
    site_deleted = sum(said) if said else None
    unchecked = max(0, site_deleted - deleted) if site_deleted is not None else 0
    logger.info(f"deleted {deleted} of {len(checked)} recordings (listed, then read back)")
    summary.update(
        matched=len(checked),
        deleted=deleted,
        remaining=remaining,
        arrived_since=len(left - checked),
        site_deleted=site_deleted,
        unchecked_deleted=unchecked,
        verified=remaining == 0 and unchecked == 0,
    )
    if unchecked:
        raise StepFailed(
            f"the site says it deleted {site_deleted} recordings, {unchecked} more than the "
            f"{len(checked)} the check had listed: {unchecked} recording(s) reached the history "
            "between the check and the click and were deleted unchecked; they are in no export",
            kind="expectation",
        )
    if remaining:
        more = ", ..." if remaining > 5 else ""
        raise StepFailed(
            f"{remaining} of {len(checked)} recordings are still listed after deleting "
            f"({out.remaining_said}{more}); run the delete again later, Amazon may still "
            "be working on it",
            kind="expectation",
        )
    return summary


# --- wipe -------------------------------------------------------------------------------------
async def wipe(job: AlexaJob, archive: Archive, *, keep: str) -> None:
    """Export everything, verify it, delete everything, verify that, set auto-delete."""
    exported = await export(job, archive, Period())
    if not exported["verified"]:
        raise SafetyRefusal(
            f"the export did not verify ({exported['audio_pending']} recordings without their "
            f"audio, {exported['audio_bad']} audio files damaged); nothing was deleted. Run "
            "`voicewipe export` again to complete it"
        )
    # A person asked at the terminal agrees to the whole wipe at the delete.
    job.options.consent.also = f'Then auto-delete is set to "{keep}".'
    await delete(job, archive, Period())
    await auto_delete(job, archive, keep=keep)


__all__ = ["AlexaJob", "Archive", "Period", "auto_delete", "delete", "export", "wipe"]
