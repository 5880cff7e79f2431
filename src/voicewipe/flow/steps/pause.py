"""pause: hand the browser to the person (a CAPTCHA, an approval) until they press Enter."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from voicewipe.flow.base import Model, StepModel


class PauseArgs(Model):
    message: str = Field(description="what the person should do in the browser")
    headless_hint: str = Field(
        "run the same command with --headed to do it yourself",
        description="what to tell a person when the run cannot pause (no window, no terminal)",
    )

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"message": value} if isinstance(value, str) else value


class Pause(StepModel):
    KIND = "pause"
    TOUCHES_PAGE = True  # the person acts on the page
    pause: PauseArgs

    def summary(self) -> str:
        return "wait for a person"
