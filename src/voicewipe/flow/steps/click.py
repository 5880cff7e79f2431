"""click: click an element (auto-waits until it is visible, enabled and still)."""

from __future__ import annotations

from typing import Literal

from voicewipe.flow.base import Selector, StepModel, TargetArgs, describe_selector


class ClickArgs(TargetArgs):
    button: Literal["left", "right", "middle"] = "left"
    count: int = 1


class Click(StepModel):
    KIND = "click"
    click: ClickArgs

    def summary(self) -> str:
        return f"click {describe_selector(self.click.target)}"

    def target(self) -> Selector:
        return self.click.target
