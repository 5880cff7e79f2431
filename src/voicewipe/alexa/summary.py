"""The summary a command prints when it ends: what was exported (and where), deleted and
verified, and what the auto-delete setting now reads."""

from __future__ import annotations

from typing import Any


def _export(part: dict[str, Any]) -> list[str]:
    if "skipped" in part:
        return [f"Export ({part['history']}): skipped, {part['skipped']}"]
    if "verified" not in part:
        return [f"Export: stopped part-way ({part.get('period')}); run it again to resume"]
    state = "verified" if part["verified"] else "NOT verified"
    return [
        f"Exported: {part['records']} recordings in {part['folder']} ({state}); the site listed "
        f"{part['reported']} for {part['period']}, {part['new']} of them new",
        f"  audio: {part['with_audio']} files saved and checked, {part['no_audio']} recordings "
        f"without audio"
        + (f", {part['audio_pending']} still to fetch" if part["audio_pending"] else "")
        + (f", {part['audio_bad']} damaged" if part["audio_bad"] else ""),
    ]


RED, PLAIN = "\033[1;31m", "\033[0m"


def _alarm(text: str, color: bool) -> str:
    return f"{RED}{text}{PLAIN}" if color else text


def _delete(part: dict[str, Any], color: bool) -> list[str]:
    if "skipped" in part:
        return [f"Delete ({part['history']}): skipped, {part['skipped']}"]
    scope = part["period"] + (f", device {part['device']}" if part.get("device") else "")
    scope += f", profile {part['profile']}" if part.get("profile") else ""
    if part.get("rehearsal"):
        return [
            f"Delete ({scope}): REHEARSAL, nothing was deleted. {part.get('would_delete')} "
            "recordings match; run again with --yes to delete them"
        ]
    if "matched" not in part and part.get("sent") is not None:
        return [
            f"Delete ({scope}): stopped after the deletion of {part['sent']} recordings had "
            "been sent (listed from the site before the click); not read back: the next run "
            "for this account reads back what was deleted"
        ]
    if "matched" not in part:
        return [f"Delete ({scope}): stopped before deleting anything"]
    verdict = (
        "verified: 0 recordings remain"
        if part["remaining"] == 0
        else _alarm(f"NOT verified: {part['remaining']} recordings remain", color)
    )
    lines = [
        f"Deleted: {part['deleted']} of {part['matched']} recordings ({scope}; listed from the "
        f"site before the click, then read back); {verdict}"
    ]
    if part.get("unchecked_deleted"):
        lines.append(
            _alarm(
                f"  WARNING: the site says it deleted {part['site_deleted']}: "
                f"{part['unchecked_deleted']} recording(s) that no check listed went with them "
                "(they reached the history between the check and the click) and are in no "
                "export",
                color,
            )
        )
    if part.get("arrived_since"):
        lines.append(
            f"  {part['arrived_since']} recordings reached the history since the check; they "
            "were not deleted"
        )
    return lines


def _auto_delete(part: dict[str, Any]) -> list[str]:
    if part.get("rehearsal"):
        would = part.get("would_delete") or 0
        deletes = f"; the new setting would delete {would} recordings now" if would else ""
        now = part.get("retention")
        return [
            f"Auto-delete: REHEARSAL, nothing changed; it reads {now!r}{deletes}; run again "
            "with --yes to change it"
        ]
    if "retention" not in part:
        return ["Auto-delete: stopped before the settings were read back"]
    on = {True: "on", False: "off"}
    lines = [
        f'Auto-delete: "{part["retention_label"]}" ({part["retention"]}), read back from the '
        f"page; deletion by voice {on[part['deletion_by_voice']]}, recordings used to improve "
        f"Alexa {on[part['improve_alexa']]}"
    ]
    if part.get("deleted_by_setting"):
        lines.append(f"  the new setting deleted {part['deleted_by_setting']} older recordings")
    if part.get("changed_since_last_run"):
        changes = ", ".join(
            f"{k} {a} -> {b}" for k, (a, b) in part["changed_since_last_run"].items()
        )
        lines.append(f"  changed on the site since the last run: {changes}")
    return lines


def _histories(report: dict[str, Any], color: bool) -> list[str]:
    """A line per history, when the run did more than one (--what all, wipe): what was
    exported and deleted of each (the site's counts and the export's), or that the account
    has none."""
    parts = report.get("histories") or {}
    if len(parts) < 2:
        return []
    lines = ["Each history:"]
    for name, part in parts.items():
        if "skipped" in part:
            lines.append(f"  {name}: skipped, {part['skipped']}")
            continue
        said = [*_exported(part.get("export")), *_deleted(part.get("delete"), color)]
        lines.append(f"  {name}: " + "; ".join(said))
    return lines


def _exported(part: dict[str, Any] | None) -> list[str]:
    if part is None:
        return []
    if "verified" not in part:
        return ["export stopped part-way"]
    state = "verified" if part["verified"] else "NOT verified"
    return [f"{part['records']} in the export ({state}), the site listed {part['reported']}"]


def _deleted(part: dict[str, Any] | None, color: bool) -> list[str]:
    if part is None:
        return []
    if part.get("rehearsal"):
        return [f"delete rehearsed, {part.get('would_delete')} match"]
    if "matched" not in part and part.get("sent") is not None:
        return [f"stopped after the deletion of {part['sent']} had been sent, not read back"]
    if "matched" not in part:
        return ["delete stopped before deleting anything"]
    left = part["remaining"]
    verdict = "verified: 0 remain" if left == 0 else _alarm(f"NOT verified: {left} remain", color)
    return [f"deleted {part['deleted']} of {part['matched']}, {verdict}"]


def _retries(counts: dict[str, Any] | None) -> list[str]:
    """The site's faults and what they cost, when there were any (runner.trouble)."""
    if not counts or not (counts["server_errors"] or counts["throttled"]):
        return []
    return [
        f"Site faults: {counts['server_errors']} requests asked again after a server error "
        f"(5xx or no answer), {counts['throttled']} after throttling; "
        f"{counts['time_lost_s']:.1f} s lost waiting to ask again"
    ]


def nothing_to_do(report: dict[str, Any]) -> bool:
    """A wipe that found no new recording, had nothing to delete and changed no setting: the
    usual night once the history is clean (every history of it)."""
    auto = report.get("auto_delete") or {}
    parts = [p for p in (report.get("histories") or {}).values() if "skipped" not in p]
    if not parts:
        parts = [{"export": report.get("export") or {}, "delete": report.get("delete") or {}}]
    return (
        report["outcome"] == "ok"
        and all((p.get("export") or {}).get("new") == 0 for p in parts)
        and all((p.get("delete") or {}).get("matched") == 0 for p in parts)
        and auto.get("changed") == []
    )


def _earlier(report: dict[str, Any]) -> list[str]:
    """What stopped runs had deleted, read back from the site by this one."""
    from voicewipe.alexa.journal import when

    return [
        f"Read back: an interrupted run at {when(part['at'])} had sent a deletion of "
        f"{part['sent']} recordings ({part['scope']}); read back from the site: "
        f"{part['deleted']} recordings were deleted, {part['remaining']} remain"
        for part in report.get("interrupted_earlier") or []
    ]


def describe(report: dict[str, Any], *, color: bool = False) -> str:
    """The summary's lines; `color`: warnings in red (for a terminal)."""
    where = "the mock site " + report["site"] if report["mock"] else report["marketplace"]
    if report.get("replay"):
        where = f"the capture {report['replay']} (replayed: nothing deleted or changed)"
    lines = [f"voicewipe {report['command']}: {report['account']} on {where}"]
    lines += _earlier(report)
    if nothing_to_do(report):
        auto = report["auto_delete"]
        lines.append(
            f"Nothing to do: no new recordings, nothing to delete, and auto-delete still reads "
            f'"{auto["retention_label"]}"'
        )
    if "export" in report:
        lines += _export(report["export"])
    if "delete" in report:
        lines += _delete(report["delete"], color)
    lines += _histories(report, color)
    if "auto_delete" in report:
        lines += _auto_delete(report["auto_delete"])
    lines += _retries(report.get("retries"))
    if report["outcome"] == "failed":
        lines.append(f"Stopped: exit code {report['exit_code']} (the reason follows)")
    if report["outcome"] == "interrupted":
        lines.append(f"Interrupted: exit code {report['exit_code']} (what it had sent follows)")
    lines.append(f"Run folder: {report['run_folder']} (screenshots, run.json, log)")
    return "\n".join(lines)
