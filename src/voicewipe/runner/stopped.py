"""Where a run stood when a signal stopped it: the step it was in (and the steps around it),
and every destructive step it had already sent, for run.json, the report and the one line a
stopped run says."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from voicewipe.runner.context import StepRecord
from voicewipe.signals import Stop


def flow_of(record: StepRecord, flows: list[dict[str, str]]) -> str:
    """The name of the flow a step belongs to (a sub-flow's: its file's)."""
    named = {flow["file"]: flow["name"] for flow in flows}
    return named.get(record.file, Path(record.file).stem)


def stopped_at(
    records: list[StepRecord], flows: list[dict[str, str]], stop: Stop
) -> dict[str, Any]:
    """run.json's `interrupted`: the signal, the innermost step running (the last one begun,
    when several ran side by side; `running` false: the last that ran, the run being between
    steps), the steps it was within, and the destructive steps sent
    (`sent`: done; or begun, and so perhaps sent, when the signal came)."""
    running = [r for r in records if r.outcome == "running"]
    for record in running:
        record.outcome = "interrupted"
        record.message = f"interrupted by {stop.name}"
    where: dict[str, Any] = {"signal": stop.name, "exit_code": int(stop.exit_code)}
    # Between steps (the commands' own work: merging, hashing), the last step that ran.
    step = max(running or records, key=lambda r: r.number, default=None)
    where.update(flow=flows[-1]["name"] if flows else None, step=None, running=bool(running))
    if step is not None:
        by_number = {r.number: r for r in records}
        within: list[str] = []
        parent = step.parent
        while parent is not None and parent in by_number:
            within.insert(0, by_number[parent].label)
            parent = by_number[parent].parent
        where.update(
            flow=flow_of(step, flows),
            step=step.number,
            label=step.label,
            file=step.file,
            line=step.line,
            within=within,
        )
    where["sent"] = [
        {
            "step": r.number,
            "label": r.label,
            "flow": flow_of(r, flows),
            "done": r.outcome == "ok",
        }
        for r in records
        if r.destructive and r.outcome in ("ok", "interrupted")
    ]
    return where


def stop_message(where: dict[str, Any], sent: list[str], then: str) -> str:
    """The one line a stopped run says: by what, where, what it had sent, what to run next.
    `sent`: the commands' own words for what their destructive steps sent (a deletion and
    how many it covered); else the steps are named."""
    line = f"interrupted by {where['signal']}"
    if where["step"] is not None:
        during = "in" if where["running"] else "after"
        line += f" {during} step {where['step']} '{where['label']}' of {where['flow']}"
    else:
        line += " before its first step"
    steps = where["sent"]
    if sent:
        line += "; already sent: " + "; ".join(sent)
    elif steps:
        named = ", ".join(f"step {s['step']} '{s['label']}' of {s['flow']}" for s in steps)
        line += f"; already sent: {named}"
    else:
        line += "; nothing had been deleted or changed"
    return f"{line}. {then}"
