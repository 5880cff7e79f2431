"""goto: open an address (absolute, or relative to the current page)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import model_validator

from voicewipe.flow.base import Model, StepModel


class GotoArgs(Model):
    url: str
    wait_until: Literal["load", "domcontentloaded", "networkidle", "commit"] = "load"

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"url": value} if isinstance(value, str) else value


class Goto(StepModel):
    KIND = "goto"
    goto: GotoArgs

    def summary(self) -> str:
        return f"go to {self.goto.url}"
