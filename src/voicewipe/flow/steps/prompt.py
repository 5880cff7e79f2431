"""prompt: ask the person at the terminal for a value (interactive runs only)."""

from __future__ import annotations

from pydantic import Field

from voicewipe.flow.base import Model, StepModel, VarName


class PromptArgs(Model):
    message: str
    into: VarName
    secret: bool = Field(False, description="don't echo; keep the answer as a secret")


class Prompt(StepModel):
    KIND = "prompt"
    TOUCHES_PAGE = False
    prompt: PromptArgs

    def defines(self) -> set[str]:
        return {self.prompt.into}

    def summary(self) -> str:
        return f"ask for {self.prompt.into}"
