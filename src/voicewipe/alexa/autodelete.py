"""`auto-delete`: how long Alexa keeps recordings and the two switches, set through Manage Your
Alexa Data and read back from a fresh page. A shorter setting deletes older recordings at once:
those are checked as a delete's are (every one listed from the site, each in the export on
disk) before the setting is confirmed.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from loguru import logger

from voicewipe.alexa import contracts
from voicewipe.alexa.archive import Archive, now_iso
from voicewipe.alexa.job import AlexaJob
from voicewipe.alexa.progress import Listing
from voicewipe.errors import StepFailed
from voicewipe.fsutil import write_json_atomic
from voicewipe.runner.runner import Rehearsal


# --- auto-delete ------------------------------------------------------------------------------
async def auto_delete(
    job: AlexaJob,
    archive: Archive,
    *,
    keep: str | None,
    deletion_by_voice: str | None = None,
    improve_alexa: str | None = None,
    require_export: bool = True,
) -> dict[str, Any]:
    summary: dict[str, Any] = {"asked": keep, "export_required": require_export}
    job.summary["auto_delete"] = summary
    # What a shorter setting deletes at once (older than the days it keeps, vocabulary.yaml's
    # keep_days) is checked as a delete is: every recording listed, each in the export.
    days = _keep_days(job, keep)
    cutoff = int(datetime.now().timestamp() * 1000) - days * 86_400_000 if days is not None else 0
    exported = (
        await asyncio.to_thread(archive.safe_to_delete, "voice", 0, cutoff)
        if require_export and days is not None
        else {}
    )
    try:
        with job.terminal.phase(Listing("auto-delete", words="older recordings listed")):
            outputs = await job.flow(
                "auto-delete",
                keep=keep or "",
                deletion_by_voice=deletion_by_voice or "",
                improve_alexa=improve_alexa or "",
                exported=exported,
                require_export=require_export,
                cutoff_ms=cutoff,
            )
    except Rehearsal:
        partial = job.job.result.outputs
        summary.update(
            rehearsal=True,
            retention=contracts.partial("auto-delete", partial, "before_retention"),
            would_delete=contracts.partial("auto-delete", partial, "would_delete") or 0,
        )
        raise
    out = contracts.read(contracts.Settings, "auto-delete", outputs)
    _settings_read(summary, archive, out)
    _check_settings(summary, out, keep, deletion_by_voice, improve_alexa)
    logger.info(f'auto-delete: "{out.retention_label}" ({out.retention}), read back from the page')
    return summary


def _settings_read(summary: dict[str, Any], archive: Archive, out: contracts.Settings) -> None:
    summary.update(
        retention=out.retention,
        retention_label=out.retention_label,
        deletion_by_voice=out.deletion_by_voice,
        improve_alexa=out.improve_alexa,
        changed=out.changed,
        deleted_by_setting=out.would_delete,
    )
    summary["changed_since_last_run"] = _compare_with_last(archive, out)
    _remember(archive, out)


def _check_settings(
    summary: dict[str, Any],
    out: contracts.Settings,
    keep: str | None,
    deletion_by_voice: str | None,
    improve_alexa: str | None,
) -> None:
    """The settings read back must be those asked for."""
    wanted = {
        "retention": (keep, out.retention),
        "deletion_by_voice": (_switch(deletion_by_voice), out.deletion_by_voice),
        "improve_alexa": (_switch(improve_alexa), out.improve_alexa),
    }
    wrong = [f"{k} reads {got!r}" for k, (v, got) in wanted.items() if v is not None and got != v]
    summary["verified"] = not wrong
    if wrong:
        raise StepFailed(
            "the settings did not hold when read back: " + "; ".join(wrong), kind="expectation"
        )


def _switch(value: str | None) -> bool | None:
    return None if value is None else value == "on"


def _keep_days(job: AlexaJob, keep: str | None) -> int | None:
    """How old a recording may be under the setting asked for (vocabulary.yaml's keep_days),
    or None if the setting deletes nothing at once."""
    words = job.target.words.retention.get(keep or "")
    return None if words is None else words.keep_days


def _settings_file(archive: Archive) -> Path:
    return archive.root / "settings.json"


def _compare_with_last(archive: Archive, out: contracts.Settings) -> dict[str, list[Any]]:
    """What changed on the site since the last run read the settings (someone, or Amazon)."""
    try:
        last = json.loads(_settings_file(archive).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    before = {
        "retention": out.before_retention,
        "deletion_by_voice": out.before_deletion_by_voice,
        "improve_alexa": out.before_improve_alexa,
    }
    changes = {k: [last[k], v] for k, v in before.items() if k in last and last[k] != v}
    if changes:
        said = "; ".join(
            f"{k} was {a!r} at {last.get('read_at')}, now {b!r}" for k, (a, b) in changes.items()
        )
        logger.warning(f"the Alexa settings changed since the last run: {said}")
    return changes


def _remember(archive: Archive, out: contracts.Settings) -> None:
    write_json_atomic(
        _settings_file(archive),
        {
            "retention": out.retention,
            "deletion_by_voice": out.deletion_by_voice,
            "improve_alexa": out.improve_alexa,
            "read_at": now_iso(),
        },
    )
