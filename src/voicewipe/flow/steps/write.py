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
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from voicewipe.flow.base import Expr, Model, StepModel, VarName


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


class Write(StepModel):
    KIND = "write"
    TOUCHES_PAGE = False
    write: WriteArgs

    def summary(self) -> str:
        return f"write {self.write.to}"

    def own_scope(self) -> set[str]:
        return {self.write.as_} if self.write.each is not None else set()
