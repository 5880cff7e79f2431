"""extract: read text or an attribute from the page into a variable, or a list of rows.

- extract: {target: {css: 'meta[name="csrf-token"]'}, attribute: content, into: csrf}
- extract:
    rows: {css: .apd-content-box}
    fields: {device: {css: .device-name}, transcript: {css: .customer-transcript}}
    into: entries
"""

from __future__ import annotations

from typing import Any, Literal

from playwright.async_api import Locator
from pydantic import Field, model_validator

from voicewipe.flow.model import Model, Selector, StepModel, VarName, describe_selector
from voicewipe.runner.context import StepContext
from voicewipe.runner.locate import build_within
from voicewipe.steps._act import act

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


async def _read(loc: Locator, attribute: str | None, prop: Property) -> str | bool | None:
    if attribute is not None:
        return await loc.get_attribute(attribute)
    if prop == "text":
        return (await loc.inner_text()).strip()
    if prop == "text_content":
        return ((await loc.text_content()) or "").strip()
    if prop == "value":
        return await loc.input_value()
    if prop == "checked":  # a checkbox, radio or switch: true or false
        return await loc.is_checked()
    return await loc.inner_html()


class Extract(StepModel):
    KIND = "extract"
    extract: ExtractArgs

    def defines(self) -> set[str]:
        return {self.extract.into}

    def summary(self) -> str:
        source = self.extract.target if self.extract.target is not None else self.extract.rows
        assert source is not None
        return f"extract {self.extract.into} from {describe_selector(source)}"

    async def run(self, ctx: StepContext) -> None:
        args = self.extract
        value: Any
        if args.target is not None:
            located = await ctx.find(args.target)
            if not isinstance(args.target, str) and args.target.pick == "all":
                value = [
                    await _read(located.locator.nth(i), args.attribute, args.property)
                    for i in range(await located.locator.count())
                ]
            else:
                value = await act(
                    f"read {located.description}",
                    lambda: _read(located.locator, args.attribute, args.property),
                )
        else:
            assert args.rows is not None and args.fields is not None
            rows = await ctx.locate(args.rows, many=True)
            assert rows is not None
            value = []
            for index in range(await rows.locator.count()):
                row = rows.locator.nth(index)
                entry: dict[str, Any] = {}
                for name, spec in args.fields.items():
                    cell = (
                        row
                        if spec.selector is None
                        else build_within(row, spec.selector, ctx.render_text).first
                    )
                    entry[name] = (
                        await _read(cell, spec.attribute, spec.property)
                        if await cell.count()
                        else None
                    )
                value.append(entry)
            ctx.record.details["rows"] = len(value)
        ctx.scope.set(args.into, value)
