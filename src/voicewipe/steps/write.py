"""write: save a value to a file under the output folder, as JSON, JSON lines or text.

With `each`, the fields that are one whole `{{ expression }}` are worked out together, in one
evaluation per item (flow.values.Shape). The file is written (and flushed to disk) in a worker
thread, appends to one file one at a time.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

from voicewipe.errors import SafetyRefusal, StepFailed
from voicewipe.flow.steps.write import Write, WriteArgs
from voicewipe.flow.template import TemplateProblem
from voicewipe.flow.values import Shape
from voicewipe.fsutil import write_atomic
from voicewipe.runner.context import StepContext
from voicewipe.secret import Secret


def _default(value: Any) -> Any:
    if isinstance(value, Secret):
        raise SafetyRefusal(f"a write step tried to save secret '{value.name}'")
    return str(value)


def _line(row: Any) -> str:
    return json.dumps(row, ensure_ascii=False, default=_default) + "\n"


def _rows(args: WriteArgs, ctx: StepContext) -> list[Any]:
    if args.each is None:
        value = ctx.render_data(args.value)
        return value if isinstance(value, list) else [value]
    items = ctx.evaluate(args.each)
    if not isinstance(items, list | tuple):
        raise StepFailed(
            f"each: {args.each} gave {type(items).__name__}, not a list", kind="template"
        )
    shape = Shape(args.value)
    try:
        return [shape.render(ctx.scope.child({args.as_: item})) for item in items]
    except TemplateProblem as problem:
        raise StepFailed(str(problem), kind="template") from None


async def run(step: Write, ctx: StepContext) -> None:
    args = step.write
    path = ctx.output_path(ctx.render_text(args.to))
    if args.format == "jsonl":
        rows = _rows(args, ctx)
        data = "".join(map(_line, rows)).encode()
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
        async with ctx.runner.append_lock(path):
            await asyncio.to_thread(_append, path, data)
        return
    await asyncio.to_thread(write_atomic, path, data)


def _append(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
