"""extract: read text or an attribute from the page into a variable, or a list of rows.

- extract: {target: {css: 'meta[name="csrf-token"]'}, attribute: content, into: csrf}
- extract:
    rows: {css: .apd-content-box}
    fields: {device: {css: .device-name}, transcript: {css: .customer-transcript}}
    into: entries
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from voicewipe.flow.base import Model, Selector, StepModel, VarName, describe_selector

Property = Literal["text", "text_content", "value", "checked", "html"]


class FieldSpec(Model):
    """A value inside each row: an element below the row (or the row itself), and what to read."""

    selector: Selector | None = None
    attribute: str | None = None
    property: Property = "text"

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if isinstance(value, str) or (
            isinstance(value, dict) and not {"selector", "attribute", "property"} & set(value)
        ):
            return {"selector": value}
        return value


class ExtractArgs(Model):
    target: Selector | None = None
    attribute: str | None = None
    property: Property = "text"
    rows: Selector | None = Field(None, description="one entry per matching element")
    fields: dict[str, FieldSpec] | None = None
    into: VarName

    @model_validator(mode="after")
    def _one_source(self) -> ExtractArgs:
        if (self.target is None) == (self.rows is None):
            raise ValueError("extract takes either target or rows (with fields)")
        if self.rows is not None and not self.fields:
            raise ValueError("rows needs fields: the values to read from each row")
        if self.target is not None and self.fields is not None:
            raise ValueError("fields go with rows, not with target")
        return self


class Extract(StepModel):
    KIND = "extract"
    extract: ExtractArgs

    def defines(self) -> set[str]:
        return {self.extract.into}

    def summary(self) -> str:
        source = self.extract.target if self.extract.target is not None else self.extract.rows
        assert source is not None
        return f"extract {self.extract.into} from {describe_selector(source)}"
