"""goto: open an address (absolute, or relative to the current page)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from voicewipe.flow.base import Model, StepModel
from voicewipe.flow.steps.request import ServerErrors


class GotoArgs(Model):
    url: str
    wait_until: Literal["load", "domcontentloaded", "networkidle", "commit"] = "load"
    server_errors: ServerErrors = Field(
        ServerErrors(),
        description="as request's: a page the site fails to serve (5xx, no answer) is opened again",
    )

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"url": value} if isinstance(value, str) else value


class Goto(StepModel):
    KIND = "goto"
    goto: GotoArgs

    def summary(self) -> str:
        return f"go to {self.goto.url}"
