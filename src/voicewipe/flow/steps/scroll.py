"""scroll: bring an element into view, or scroll a lazy-loading list until something appears
or until it stops growing (`max` required: the most scrolls before giving up)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from voicewipe.flow.base import Duration, Model, Selector, StepModel, describe_selector


class ScrollArgs(Model):
    to: Selector | None = Field(None, description="scroll this element into view")
    until_visible: Selector | None = Field(None, description="scroll until this element is visible")
    until_stable: Selector | None = Field(
        None, description="scroll until the count of these stops growing"
    )
    container: Selector | None = Field(
        None, description="the scrolling element (default: the page)"
    )
    max: int | None = Field(
        None, ge=1, le=10_000, description="most scrolls; required with until_*"
    )
    settle: Duration = Field(2.0, description="how long a scroll may take to bring new items")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"to": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_mode(self) -> ScrollArgs:
        modes = [m for m in ("to", "until_visible", "until_stable") if getattr(self, m) is not None]
        if len(modes) != 1:
            raise ValueError("scroll takes exactly one of to, until_visible, until_stable")
        if modes[0] != "to" and self.max is None:
            raise ValueError(f"scroll with {modes[0]} needs max: the most scrolls before giving up")
        return self


class Scroll(StepModel):
    KIND = "scroll"
    scroll: ScrollArgs

    def summary(self) -> str:
        args = self.scroll
        if args.to is not None:
            return f"scroll to {describe_selector(args.to)}"
        if args.until_visible is not None:
            return f"scroll until {describe_selector(args.until_visible)} shows"
        assert args.until_stable is not None
        return f"scroll until {describe_selector(args.until_stable)} stop growing"
