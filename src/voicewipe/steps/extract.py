"""extract: read text or an attribute from the page into a variable, or a list of rows."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Locator

from voicewipe.flow.steps.extract import Extract, ExtractArgs, Property
from voicewipe.runner.context import StepContext
from voicewipe.runner.locate import build_within
from voicewipe.steps._act import act


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


async def run(step: Extract, ctx: StepContext) -> None:
    args = step.extract
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
        value = await _rows(args, ctx)
        ctx.record.details["rows"] = len(value)
    ctx.scope.set(args.into, value)


async def _rows(args: ExtractArgs, ctx: StepContext) -> list[dict[str, Any]]:
    """One entry per row, each field read from below the row (or the row itself)."""
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
                await _read(cell, spec.attribute, spec.property) if await cell.count() else None
            )
        value.append(entry)
    return value
