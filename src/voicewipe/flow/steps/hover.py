"""hover: move the mouse over an element (menus that open on hover)."""

from __future__ import annotations

from voicewipe.flow.base import Selector, StepModel, TargetArgs, describe_selector


class Hover(StepModel):
    KIND = "hover"
    hover: TargetArgs

    def summary(self) -> str:
        return f"hover {describe_selector(self.hover.target)}"

    def target(self) -> Selector:
        return self.hover.target
