"""write: save a value to a file under the output folder, as JSON, JSON lines or text.

Whole files are written atomically; `append` adds JSON lines to the end of a file.
"""

from __future__ import annotations

import json
import os
from typing import Any, Literal

from pydantic import Field

from voicewipe.errors import SafetyRefusal
from voicewipe.flow.model import Model, StepModel
from voicewipe.fsutil import write_atomic
from voicewipe.runner.context import StepContext
from voicewipe.secret import Secret


class WriteArgs(Model):
    to: str = Field(description="the file, under the output folder")
    value: Any = Field(description="what to write: a template, or YAML data with templates inside")
    format: Literal["json", "jsonl", "text"] = "json"
    append: bool = Field(False, description="with jsonl: add lines instead of replacing the file")


def _default(value: Any) -> Any:
    if isinstance(value, Secret):
        raise SafetyRefusal(f"a write step tried to save secret '{value.name}'")
    return str(value)


class Write(StepModel):
    KIND = "write"
    TOUCHES_PAGE = False
    write: WriteArgs

    def summary(self) -> str:
        return f"write {self.write.to}"

    async def run(self, ctx: StepContext) -> None:
        args = self.write
        path = ctx.output_path(ctx.render_text(args.to))
        value = ctx.render_data(args.value)
        if args.format == "text":
            data = (
                value if isinstance(value, str) else json.dumps(value, default=_default)
            ).encode()
        elif args.format == "json":
            data = (
                json.dumps(value, indent=2, ensure_ascii=False, default=_default) + "\n"
            ).encode()
        else:
            rows = value if isinstance(value, list) else [value]
            data = "".join(
                json.dumps(row, ensure_ascii=False, default=_default) + "\n" for row in rows
            ).encode()
        ctx.record.details.update(output=str(path), bytes=len(data))
        if args.append and args.format == "jsonl":
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("ab") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            return
        write_atomic(path, data)
