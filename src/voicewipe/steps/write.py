"""write: save a value to a file under the output folder, as JSON, JSON lines or text.

Whole files are written atomically; `append` adds JSON lines to the end of a file. With `each`,
`value` is a template for one line per item of a list: how a flow turns a site's JSON records
into the lines of an export without a step (and a screenshot) per record.

    - write:
        to: "{{ part }}"
        format: jsonl
        each: records
        as: r
        value: {key: "{{ r.recordKey }}", when: "{{ r.timestamp | iso }}"}

With `each`, the fields that are one whole `{{ expression }}` are worked out together, in one
evaluation per item: a 100,000-record export would otherwise spend most of its time starting
a template a dozen times per record. The file is written (and flushed to disk) in a worker
thread, appends to one file one at a time.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from voicewipe.errors import SafetyRefusal, StepFailed
from voicewipe.flow import template
from voicewipe.flow.model import Expr, Model, StepModel, VarName
from voicewipe.fsutil import write_atomic
from voicewipe.runner.context import StepContext
from voicewipe.secret import Secret


class WriteArgs(Model):
    to: str = Field(description="the file, under the output folder")
    value: Any = Field(description="what to write: a template, or YAML data with templates inside")
    format: Literal["json", "jsonl", "text"] = "json"
    append: bool = Field(False, description="with jsonl: add lines instead of replacing the file")
    each: Expr | None = Field(
        None, description="jsonl only: an expression giving a list; `value` is written per item"
    )
    as_: VarName = Field("item", alias="as", description="the variable each item is given as")

    @model_validator(mode="after")
    def _each_needs_jsonl(self) -> WriteArgs:
        if self.each is not None and self.format != "jsonl":
            raise ValueError("each writes one line per item: it needs format: jsonl")
        return self


def _default(value: Any) -> Any:
    if isinstance(value, Secret):
        raise SafetyRefusal(f"a write step tried to save secret '{value.name}'")
    return str(value)


def _line(row: Any) -> str:
    return json.dumps(row, ensure_ascii=False, default=_default) + "\n"


class Write(StepModel):
    KIND = "write"
    TOUCHES_PAGE = False
    write: WriteArgs

    def summary(self) -> str:
        return f"write {self.write.to}"

    def own_scope(self) -> set[str]:
        return {self.write.as_} if self.write.each is not None else set()

    def _rows(self, ctx: StepContext) -> list[Any]:
        args = self.write
        if args.each is None:
            value = ctx.render_data(args.value)
            return value if isinstance(value, list) else [value]
        items = ctx.evaluate(args.each)
        if not isinstance(items, list | tuple):
            raise StepFailed(
                f"each: {args.each} gave {type(items).__name__}, not a list", kind="template"
            )
        shape = _Shape(args.value)
        outer, rows = ctx.scope, []
        try:
            for item in items:
                ctx.scope = outer.child({args.as_: item})
                rows.append(shape.render(ctx))
        finally:
            ctx.scope = outer
        return rows

    async def run(self, ctx: StepContext) -> None:
        args = self.write
        path = ctx.output_path(ctx.render_text(args.to))
        if args.format == "jsonl":
            rows = self._rows(ctx)
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


class _Shape:
    """A `value` for many items: its whole-expression fields evaluated in one go per item.

    The fields are gathered into one list expression, `[(e1), (e2), ...]`, each kept as it was
    written; the value is rebuilt around the results. Should that one evaluation fail, the
    fields are rendered one by one, so that the error names the field as it always did.
    """

    def __init__(self, value: Any) -> None:
        self.value = value
        self.exprs: list[str] = []
        self.skeleton = self._gather(value)
        self.joined = "[" + ", ".join(f"({e})" for e in self.exprs) + "]"

    def _gather(self, value: Any) -> Any:
        if isinstance(value, str):
            whole = template._whole_expression(value) if template.is_template(value) else None
            if whole is None:
                return ("text", value)
            self.exprs.append(whole)
            return ("expr", len(self.exprs) - 1)
        if isinstance(value, dict):
            return {k: self._gather(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self._gather(v) for v in value]
        return ("data", value)

    def render(self, ctx: StepContext) -> Any:
        if len(self.exprs) < 2:
            return ctx.render_data(self.value)
        try:
            results = template.evaluate(self.joined, ctx.scope)
        except template.TemplateProblem:
            return ctx.render_data(self.value)  # fails again, field by field, with its name
        return self._build(self.skeleton, results, ctx)

    def _build(self, node: Any, results: list[Any], ctx: StepContext) -> Any:
        if isinstance(node, dict):
            return {k: self._build(v, results, ctx) for k, v in node.items()}
        if isinstance(node, list):
            return [self._build(v, results, ctx) for v in node]
        tag, content = node
        if tag == "expr":
            return results[content]
        if tag == "text":
            return ctx.render(content)
        return content
