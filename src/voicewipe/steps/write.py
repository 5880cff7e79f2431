"""write: save a value to a file under the output folder, as JSON, JSON lines or text.

With `each`, the fields that are one whole `{{ expression }}` are worked out together, in one
evaluation per item (flow.values.Shape). A whole file is replaced atomically and synced, in a
worker thread; appended lines are written at once, and not synced.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from voicewipe import jsonlines
from voicewipe.errors import SafetyRefusal, StepFailed, TemplateProblem
from voicewipe.flow.steps.write import Write, WriteArgs
from voicewipe.flow.values import Shape
from voicewipe.fsutil import write_atomic
from voicewipe.runner.context import StepContext
from voicewipe.secret import Secret


def _default(value: Any) -> Any:
    if isinstance(value, Secret):
        raise SafetyRefusal(f"a write step tried to save secret '{value.name}'")
    return str(value)


def _line(row: Any) -> bytes:
    return jsonlines.line(row, _default)


def _rows(args: WriteArgs, ctx: StepContext) -> list[Any]:
    if args.each is None:
        value = ctx.render_data(args.value)
        return value if isinstance(value, list) else [value]
    items = ctx.evaluate(args.each)
    if not isinstance(items, list | tuple):
        raise StepFailed(
            f"each: {args.each} gave {type(items).__name__}, not a list", kind="template"
        )
    try:
        return Shape(args.value).render_each(list(items), args.as_, ctx.scope)
    except TemplateProblem as problem:
        raise StepFailed(str(problem), kind="template") from None


async def run(step: Write, ctx: StepContext) -> None:
    args = step.write
    path = ctx.output_path(ctx.render_text(args.to))
    if args.format == "jsonl":
        rows = _rows(args, ctx)
        data = b"".join(map(_line, rows))
        ctx.record.details["lines"] = len(rows)
    else:
        value = ctx.render_data(args.value)
        if args.format == "text":
            text = value if isinstance(value, str) else json.dumps(value, default=_default)
        else:
            text = json.dumps(value, indent=2, ensure_ascii=False, default=_default) + "\n"
        data = text.encode()
    ctx.record.details.update(output=str(path), bytes=len(data))
    if args.append and args.format == "jsonl":
        # Here, not in a worker thread: an append of a page's lines is quick (it is not
        # synced), and being one step of the event loop, appends of windows side by side
        # never interleave. Handed to a thread one at a time, they held up every window
        # behind the one appending: the listing went at the pace of the thread's hand-offs.
        _append(path, data)
        return
    await asyncio.to_thread(write_atomic, path, data)


def _append(path: Path, data: bytes) -> None:
    # Not synced to disk: lines appended are a spool that a reader on this machine takes at
    # once (the export's listing), and what must survive a crash is written whole and synced
    # (fsutil.atomic_writer). A sync per page made the appends, one at a time, the listing's
    # bottleneck.
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as out:
        out.write(data)
