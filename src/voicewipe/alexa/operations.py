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

from voicewipe.alexa import contracts, ledger, progress
from voicewipe.alexa.archive import Archive
from voicewipe.alexa.autodelete import auto_delete
from voicewipe.alexa.job import AlexaJob, Deleting
from voicewipe.alexa.pipeline import list_and_fetch, part_file
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
    _part(job, "export", history, summary)
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
        audio=audio and job.target.words.histories[history].audio,
    )
    found = contracts.read(contracts.Listed, "list", listed.outputs)
    if not found.present:  # the site has no such history for this account: nothing to keep
        (job.options.out_dir / part_file(where, history, period.start_ms, period.end_ms)).unlink(
            missing_ok=True
        )
        return _skipped(job, summary, history, found.absent)
    reported = found.count
    summary.update(reported=reported, new=listed.new)
    listed_range = archive.add_range(history, period.start_ms, found.end_ms, reported)
    with job.terminal.phase(progress.Phase(f"checking the {history} export")):
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
    logger.info(_checked(summary))
    return summary


def _checked(part: dict[str, Any]) -> str:
    """The export of a history as its check found it on disk, in one line."""
    files = f", {part['with_audio']} audio files read again" if part["with_audio"] else ""
    verdict = "verified" if part["verified"] else "NOT verified"
    return f"{part['history']}: export checked, {part['records']} records{files}: {verdict}"


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
    _part(job, "delete", history, summary)
    exported = (  # every audio file of the range hashed now (begun while the browser started)
        await asyncio.to_thread(
            archive.safe_to_delete, history, period.start_ms, period.end_ms or END_MS
        )
        if require_export
        else {}
    )
    scope = period.describe() + (f", device {device}" if device else ", every device")
    scope += f", profile {profile}" if profile else ""
    name = f"{job.job.folder.path.name}-{history}-{period.start_ms}-{period.end_ms}"
    job.deleting = Deleting(name, history, scope, period.start_ms, summary)
    try:
        with job.terminal.phase(progress.Deleting(f"deleting {history}")):
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
    # The flow has read the range back: the counts are the site's, and the journal's entry
    # is done with (even when the counts make the command fail).
    try:
        return _deleted(job, summary, _write_ledger(job, archive, history, out, summary))
    finally:
        job.read_back_done()


def _write_ledger(
    job: AlexaJob, archive: Archive, history: str, outputs: dict[str, Any], summary: dict[str, Any]
) -> contracts.Deleted:
    """What the check listed and the read-back no longer lists goes to the deletion ledger; a
    read-back that never answered confirms nothing."""
    out = contracts.read(contracts.Deleted, "delete", outputs)
    if out.remaining is None:
        logger.warning(f"{history}: the read-back never answered; no deletion written down")
        summary["ledger"] = None
        return out
    earlier = contracts.partial("delete", job.earlier_outputs.get("delete", {}), "checked")
    left = set(out.left)
    gone = [k for k in [*(earlier or []), *out.checked] if k not in left]
    run = job.job.folder.path.name  # `ledger` in the summary: what this run wrote down
    summary["ledger"] = ledger.confirmed(archive.root, history, gone, run, job.summary)
    return out


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
    logger.info(
        f"{summary['history']}: deleted {deleted} of {len(checked)} recordings (listed, then "
        "read back)"
    )
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


# --- every history -----------------------------------------------------------------------
def _part(job: AlexaJob, key: str, history: str, summary: dict[str, Any]) -> None:
    """A history's part of the summary: under `histories`, and as the command's own `export`
    or `delete` when it is the first history the run does (the only one, but for --what all
    and wipe, whose first is voice)."""
    job.summary.setdefault(key, summary)
    job.summary.setdefault("histories", {}).setdefault(history, {})[key] = summary


def _skipped(job: AlexaJob, summary: dict[str, Any], history: str, why: str) -> dict[str, Any]:
    said = f"the account has no {history} history ({why})"
    logger.info(f"{history}: skipped, {said}")
    summary["skipped"] = said
    job.summary["histories"][history]["skipped"] = said
    return summary


async def export_each(
    job: AlexaJob, archive: Archive, period: Period, histories: list[str], *, audio: bool = True
) -> list[dict[str, Any]]:
    """Export each history in turn (one the account lacks is skipped, and said so)."""
    return [await export(job, archive, period, history=h, audio=audio) for h in histories]


async def delete_each(
    job: AlexaJob,
    archive: Archive,
    period: Period,
    histories: list[str],
    *,
    device: str | None = None,
    profile: str | None = None,
    require_export: bool = True,
) -> None:
    """Delete each history the account has (asked of the site first: its page and feed)."""
    for history in histories:
        found = await _found(job, history) if len(histories) > 1 else None
        if found is not None and not found.present:
            summary = {"history": history, "period": period.describe()}
            _part(job, "delete", history, summary)
            _skipped(job, summary, history, found.absent)
            continue
        await delete(
            job,
            archive,
            period,
            history=history,
            device=device,
            profile=profile,
            require_export=require_export,
        )


async def _found(job: AlexaJob, history: str) -> contracts.Listed:
    """Whether the account has the history: the list flow over one millisecond, read only."""
    out = await job.flow("list", history=history, start_ms=1, end_ms=1, to="")
    return contracts.read(contracts.Listed, "list", out)


async def wipe(
    job: AlexaJob, archive: Archive, *, keep: str, histories: list[str] | None = None
) -> None:
    """Export every history the account has, verify each, delete each and verify that (each
    checked against its export on disk before its delete), then set auto-delete."""
    names = histories or list(job.target.words.histories)
    exported = await export_each(job, archive, Period(), names)
    present = [part for part in exported if "skipped" not in part]
    for part in present:
        if not part["verified"]:
            raise SafetyRefusal(
                f"the export of the {part['history']} history did not verify "
                f"({part['audio_pending']} recordings without their audio, "
                f"{part['audio_bad']} audio files damaged); nothing was deleted. Run "
                "`voicewipe export` again to complete it"
            )
    # A person asked at the terminal agrees to the whole wipe at the delete.
    job.options.consent.also = f'Then auto-delete is set to "{keep}".'
    for part in present:
        await delete(job, archive, Period(), history=part["history"])
    await auto_delete(job, archive, keep=keep)


__all__ = [
    "AlexaJob",
    "Archive",
    "Period",
    "auto_delete",
    "delete",
    "delete_each",
    "export",
    "export_each",
    "wipe",
]
