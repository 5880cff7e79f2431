"""The one sentence report.html opens with: what happened, in numbers the summary holds
(counted from the site's listings and the export on disk, never worked out here).

Each outcome has its words: a success says what each command did, a rehearsal what would
have been deleted, a refusal that nothing was deleted and why, a failure where it stopped and
what to run next, an interrupted run what it had sent and what the read-back found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from voicewipe.alexa.summary import nothing_to_do
from voicewipe.errors import ExitCode


@dataclass(frozen=True)
class Headline:
    text: str
    tone: str  # ok, rehearsal, refused, failed, interrupted: the sentence's colour


def _parts(summary: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """Each history's `export` or `delete` part (a one-history run has only the top one)."""
    histories = summary.get("histories")
    if isinstance(histories, dict) and histories:
        found = [p.get(key) for p in histories.values() if isinstance(p, dict)]
        return [p for p in found if isinstance(p, dict) and "skipped" not in p]
    part = summary.get(key)
    return [part] if isinstance(part, dict) and "skipped" not in part else []


def _total(parts: list[dict[str, Any]], field: str) -> int | None:
    values = [p[field] for p in parts if isinstance(p.get(field), int)]
    return sum(values) if values else None


def _recordings(count: int) -> str:
    return f"{count} recording" + ("" if count == 1 else "s")


def _exported(summary: dict[str, Any]) -> str | None:
    parts = _parts(summary, "export")
    records = _total(parts, "records")
    if records is None:
        return None
    checked = all(p.get("verified") is True for p in parts)
    return f"{_recordings(records)} exported" + (" and checked" if checked else ", NOT verified")


def _deleted(summary: dict[str, Any], how: str = "") -> str | None:
    parts = [p for p in _parts(summary, "delete") if "matched" in p]
    deleted, remaining = _total(parts, "deleted"), _total(parts, "remaining")
    if deleted is None:
        return None
    return f"{_recordings(deleted)} deleted from Amazon{how}; {remaining} remain"


def _exported_then_deleted(summary: dict[str, Any]) -> str:
    """A wipe's export and delete in one: "300 recordings exported and checked, then deleted
    from Amazon; 0 remain" (the counts differ when the export held records deleted before)."""
    parts = [p for p in _parts(summary, "delete") if "matched" in p]
    deleted, remaining = _total(parts, "deleted"), _total(parts, "remaining")
    if deleted == _total(_parts(summary, "export"), "records"):
        return f"{_exported(summary)}, then deleted from Amazon; {remaining} remain."
    return f"{_exported(summary)}; {_deleted(summary)}."


def _auto_delete(summary: dict[str, Any]) -> str | None:
    part = summary.get("auto_delete")
    if not isinstance(part, dict) or not part.get("retention_label"):
        return None
    said = f"Auto-delete: {part['retention_label']}."
    if part.get("deleted_by_setting"):
        said += f" The new setting deleted {_recordings(part['deleted_by_setting'])} at once."
    return said


def _success(command: str, summary: dict[str, Any]) -> str:
    auto = summary.get("auto_delete")
    if nothing_to_do({**summary, "outcome": "ok"}) and isinstance(auto, dict):
        return (
            "Nothing to do: no new recordings, nothing to delete, and auto-delete still reads "
            f"{auto['retention_label']}."
        )
    unchecked = any(p.get("export_required") is False for p in _parts(summary, "delete"))
    how = " without an export" if unchecked else ", each in a verified export"
    exported, deleted = _exported(summary), _deleted(summary, how)
    said = []
    if exported and deleted:
        said.append(_exported_then_deleted(summary))
    elif exported:
        new = _total(_parts(summary, "export"), "new")
        said.append(f"{exported} ({new} new)." if new is not None else f"{exported}.")
    elif deleted:
        said.append(f"{deleted}.")
    said.append(_auto_delete(summary) or "")
    text = " ".join(s for s in said if s)
    return _capital(text) if text else f"voicewipe {command} finished."


def _rehearsal(data: dict[str, Any], summary: dict[str, Any]) -> str:
    would = _total(_parts(summary, "delete"), "would_delete")
    exported = _exported(summary)
    start = f"{exported[0].upper()}{exported[1:]}; then a" if exported else "A"
    if would is not None:
        return (
            f"{start} rehearsal, nothing was deleted: {_recordings(would)} would have been "
            "deleted from Amazon. Run again with --yes to delete them."
        )
    auto = summary.get("auto_delete")
    if isinstance(auto, dict) and auto.get("rehearsal"):
        now = auto.get("retention") or "no setting"
        return (
            f"{start} rehearsal, nothing was changed: auto-delete reads {now}; the new setting "
            f"would delete {_recordings(auto.get('would_delete') or 0)} now. Run again with "
            "--yes to change it."
        )
    step = _step(data, data.get("rehearsed_step"))
    where = f" before step {step['number']} '{step['label']}'" if step else ""
    return f"{start} rehearsal: stopped{where}, which is destructive; nothing was changed."


def _step(data: dict[str, Any], number: Any) -> dict[str, Any] | None:
    for step in data.get("steps") or []:
        if step.get("number") == number:
            return dict(step)
    return None


def _failed_step(data: dict[str, Any]) -> dict[str, Any] | None:
    failed = [s for s in data.get("steps") or [] if s.get("outcome") == "failed"]
    return dict(failed[-1]) if failed else None


# A step's failure as runner/failure.py words it: where, which step, then the reason and its
# details (selector, address, screenshot), which the page shows apart.
_STEP_PREFIX = re.compile(r"^(?:\S+:\d+:\d+: )?step \d+ '.*?' \([\w-]+\) [\w ]+?: ")
_DETAILS = re.compile(r"; (?:selector|url|screenshot): .*$")


def _reason(data: dict[str, Any]) -> str:
    """The error's one line, without where it happened (the sentence says) and the details
    the page shows elsewhere."""
    text = str(data.get("error") or "no reason was recorded").strip().splitlines()[0]
    return _DETAILS.sub("", _STEP_PREFIX.sub("", text)).rstrip(".")


def _done_before(summary: dict[str, Any]) -> str:
    """What a run that then stopped had done: its export, its deletions (the site's counts)."""
    said = [s for s in (_exported(summary), _deleted(summary)) if s]
    return (", ".join(said) + "; then ") if said else ""


def _refused(data: dict[str, Any], summary: dict[str, Any]) -> str:
    done = _done_before(summary)
    nothing = "" if _deleted(summary) else "nothing was deleted: "
    return _capital(f"{done}refused for safety, {nothing}{_reason(data)}.")


def _failure(data: dict[str, Any], summary: dict[str, Any], phase_of: dict[int, str]) -> str:
    step = _failed_step(data)
    where = ""
    if step is not None:
        phase = phase_of.get(int(step["number"]), "")
        where = f" in {phase}" if phase else ""
        where += f" at step {step['number']} '{step['label']}'"
    reason = _reason(data)
    return _capital(f"{_done_before(summary)}stopped{where}: {reason}.{_next(data, reason)}")


def _next(data: dict[str, Any], reason: str) -> str:
    """What to run next, when the reason does not say already."""
    if re.search(r"\brun\b", reason, re.IGNORECASE):
        return ""
    if data.get("exit_code") == ExitCode.INVALID:
        return " Put the command right and run it again."
    return (
        " Run `voicewipe doctor` to see whether a page changed, then the same command again: "
        "it picks up where this one stopped."
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def headline(data: dict[str, Any], phase_of: dict[int, str] | None = None) -> Headline:
    """The sentence, and its tone. `phase_of`: each step's phase, by number (report.phases)."""
    summary = data.get("summary") or {}
    outcome = data.get("outcome")
    if outcome == "ok":
        return Headline(_success(str(data.get("flow")), summary), "ok")
    if outcome == "rehearsal":
        return Headline(_rehearsal(data, summary), "rehearsal")
    if outcome == "interrupted":
        return Headline(_capital(f"{_reason(data)}."), "interrupted")
    if data.get("exit_code") == ExitCode.REFUSED:
        return Headline(_refused(data, summary), "refused")
    return Headline(_failure(data, summary, phase_of or {}), "failed")
