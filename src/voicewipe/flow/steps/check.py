"""check and uncheck: set a checkbox or radio button (nothing happens if it already is)."""

from __future__ import annotations

from voicewipe.flow.base import Selector, StepModel, TargetArgs, describe_selector


class Check(StepModel):
    KIND = "check"
    check: TargetArgs

    def summary(self) -> str:
        return f"check {describe_selector(self.check.target)}"

    def target(self) -> Selector:
        return self.check.target


class Uncheck(StepModel):
    KIND = "uncheck"
    uncheck: TargetArgs

    def summary(self) -> str:
        return f"uncheck {describe_selector(self.uncheck.target)}"

    def target(self) -> Selector:
        return self.uncheck.target
