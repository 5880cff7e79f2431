"""select: choose option(s) of a <select> by their visible label (or by value)."""

from __future__ import annotations

from typing import Literal

from voicewipe.flow.base import Selector, StepModel, TargetArgs, describe_selector


class SelectArgs(TargetArgs):
    option: str | tuple[str, ...]
    by: Literal["label", "value"] = "label"


class Select(StepModel):
    KIND = "select"
    select: SelectArgs

    def summary(self) -> str:
        return f"select in {describe_selector(self.select.target)}"

    def target(self) -> Selector:
        return self.select.target
