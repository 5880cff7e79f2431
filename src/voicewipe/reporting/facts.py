"""What each phase of report.html says in words: a label a person reads and a value as the
summary holds it (the site's counts, the export's), never a Python literal (`{}`, `['x']`,
`True`). A value is marked bad only where it is a problem (a deletion not verified, records
left), good where it is the promise kept, and plain otherwise (a switch that is off).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

SWITCH = MappingProxyType({True: "on", False: "off"})
CHANGES = MappingProxyType(
    {
        "retention": "how long recordings are saved",
        "deletion_by_voice": "deletion by voice",
        "improve_alexa": "recordings used to improve Alexa",
    }
)


@dataclass(frozen=True)
class Cell:
    text: str
    tone: str = ""  # "", good, bad


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


@dataclass
class Said:
    """A phase's words: facts (label, value) and a table of its histories."""

    facts: list[tuple[str, Cell]] = field(default_factory=list)
    table: Table | None = None


def _histories(summary: dict[str, Any], key: str) -> list[tuple[str, dict[str, Any]]]:
    parts = summary.get("histories")
    if not isinstance(parts, dict) or not parts:
        part = summary.get(key)
        return [(str(part.get("history", "voice")), part)] if isinstance(part, dict) else []
    found = []
    for name, both in parts.items():
        part = both.get(key) if isinstance(both, dict) else None
        if isinstance(part, dict):
            found.append((str(name), part))
        elif isinstance(both, dict) and both.get("skipped"):
            found.append((str(name), {"skipped": both["skipped"]}))
    return found


def _count(value: Any) -> str:
    return str(value) if isinstance(value, int) else "–"


def sign_in(summary: dict[str, Any]) -> Said:
    where = summary.get("site") or summary.get("marketplace") or "–"
    return Said(
        facts=[("account", Cell(str(summary.get("account") or "–"))), ("site", Cell(where))]
    )


def export(summary: dict[str, Any]) -> Said:
    table = Table(["history", "in the export", "the site listed", "new", "audio", "verified"])
    for name, part in _histories(summary, "export"):
        if part.get("skipped"):
            table.rows.append([Cell(name), Cell(f"skipped: {part['skipped']}")])
            continue
        if "verified" not in part:
            table.rows.append([Cell(name), Cell("stopped part-way; run it again to resume", "bad")])
            continue
        audio = f"{_count(part.get('with_audio'))} files saved and checked"
        if part.get("no_audio"):
            audio += f", {part['no_audio']} recordings without audio"
        if part.get("audio_pending"):
            audio += f", {part['audio_pending']} still to fetch"
        verified = Cell("yes", "good") if part["verified"] else Cell("NOT verified", "bad")
        table.rows.append(
            [Cell(name), Cell(_count(part.get("records"))), Cell(_count(part.get("reported"))),
             Cell(_count(part.get("new"))), Cell(audio), verified]
        )  # fmt: skip
    return Said(table=table if table.rows else None)


def check(summary: dict[str, Any]) -> Said:
    table = Table(["history", "listed from the site before the click", "checked against"])
    for name, part in _histories(summary, "delete"):
        if part.get("skipped"):
            table.rows.append([Cell(name), Cell(f"skipped: {part['skipped']}")])
            continue
        listed = next(
            (part[k] for k in ("matched", "sent", "would_delete") if isinstance(part.get(k), int)),
            None,
        )
        if not part.get("export_required", True):
            against = Cell("nothing: --no-export, no export asked for", "bad")
        elif listed is None:  # the delete stopped before its click (the sentence says why)
            against = Cell("the export on disk: stopped before the click, nothing deleted", "bad")
        else:
            against = Cell("the verified export on disk", "good")
        shown = _count(listed) if listed is not None else "–"
        table.rows.append([Cell(name), Cell(shown), against])
    return Said(table=table if table.rows else None)


def delete(summary: dict[str, Any]) -> Said:
    table = Table(["history", "deleted", "left on the site (read back)", "the page said"])
    for name, part in _histories(summary, "delete"):
        if part.get("skipped"):
            continue
        table.rows.append([Cell(name), *_deleted_cells(part)])
    return Said(table=table if table.rows else None)


def _deleted_cells(part: dict[str, Any]) -> list[Cell]:
    if part.get("rehearsal"):
        return [Cell(f"nothing (rehearsal): {_count(part.get('would_delete'))} would be")]
    if "matched" not in part and isinstance(part.get("sent"), int):
        return [Cell(f"{part['sent']} sent, not read back: the next run reads it back", "bad")]
    if "matched" not in part:
        return [Cell("nothing: stopped before deleting")]
    left = part.get("remaining")
    said = part.get("site_deleted")
    extra = part.get("unchecked_deleted")
    return [
        Cell(f"{part.get('deleted')} of {part.get('matched')}"),
        Cell(_count(left), "good" if left == 0 else "bad"),
        Cell(
            (_count(said) if said is not None else "nothing")
            + (f" ({extra} more than the check listed, in no export)" if extra else ""),
            "bad" if extra else "",
        ),
    ]


def auto_delete(summary: dict[str, Any]) -> Said:
    part = summary.get("auto_delete")
    if not isinstance(part, dict):
        return Said()
    facts: list[tuple[str, Cell]] = []
    if part.get("asked"):
        facts.append(("asked for", Cell(str(part["asked"]))))
    if part.get("rehearsal"):
        facts.append(("rehearsal", Cell("nothing changed")))
    if part.get("retention_label"):
        facts.append(("it now reads", Cell(f"{part['retention_label']} (read back)", "good")))
    for key, label in (("deletion_by_voice", "deletion by voice"),
                       ("improve_alexa", "recordings used to improve Alexa")):  # fmt: skip
        if isinstance(part.get(key), bool):
            facts.append((label, Cell(SWITCH[part[key]])))
    if isinstance(part.get("changed"), list):
        changed = ", ".join(CHANGES.get(c, c) for c in part["changed"]) or "nothing"
        facts.append(("changed by this run", Cell(changed)))
    if isinstance(part.get("deleted_by_setting"), int):
        facts.append(("deleted by the new setting", Cell(str(part["deleted_by_setting"]))))
    since = part.get("changed_since_last_run")
    if isinstance(since, dict):
        text = ", ".join(f"{CHANGES.get(k, k)}: {a} to {b}" for k, (a, b) in since.items())
        facts.append(("changed on the site since the last run", Cell(text or "nothing")))
    return Said(facts=facts)


SAYS = MappingProxyType(
    {
        "sign-in": sign_in,
        "export": export,
        "check": check,
        "delete": delete,
        "auto-delete": auto_delete,
    }
)
