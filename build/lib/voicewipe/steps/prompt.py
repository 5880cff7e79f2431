"""prompt: ask the person at the terminal for a value (interactive runs only).

A run without a terminal (cron, CI) cannot ask: it stops with the "a person is needed" exit
code instead of waiting forever.
"""

from __future__ import annotations

import asyncio
import getpass

from pydantic import Field

from voicewipe.errors import PersonNeeded
from voicewipe.flow.model import Model, StepModel, VarName
from voicewipe.runner.context import StepContext
from voicewipe.secret import Secret


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

    async def run(self, ctx: StepContext) -> None:
        message = ctx.render_text(self.prompt.message)
        if not ctx.options.interactive:
            raise PersonNeeded(
                f"the flow asks a person: {message!r}, and this run has no terminal to ask at"
            )
        ask = getpass.getpass if self.prompt.secret else input
        answer = await asyncio.to_thread(ask, f"{message} ")
        ctx.scope.set(
            self.prompt.into, Secret(self.prompt.into, answer) if self.prompt.secret else answer
        )
