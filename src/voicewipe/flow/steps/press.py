"""press: press a key (Enter, Tab, Control+A ...) in an element or on the page."""

from __future__ import annotations

from typing import Any

from pydantic import model_validator

from voicewipe.flow.base import Model, Selector, StepModel


class PressArgs(Model):
    key: str
    target: Selector | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"key": value} if isinstance(value, str) else value


class Press(StepModel):
    KIND = "press"
    press: PressArgs

    def summary(self) -> str:
        return f"press {self.press.key}"

    def target(self) -> Selector | None:
        return self.press.target
