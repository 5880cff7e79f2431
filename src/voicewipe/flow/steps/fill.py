"""fill: type a value into an input; a secret is revealed here, and only here."""

from __future__ import annotations

from voicewipe.flow.base import Selector, StepModel, TargetArgs, describe_selector


class FillArgs(TargetArgs):
    value: str


class Fill(StepModel):
    KIND = "fill"
    fill: FillArgs

    def summary(self) -> str:
        return f"fill {describe_selector(self.fill.target)}"

    def target(self) -> Selector:
        return self.fill.target
