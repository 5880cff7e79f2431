"""pause: hand the browser to the person (a CAPTCHA, an approval) until they press Enter.

Only in a headed, interactive run; anywhere else it stops the run with the "a person is
needed" exit code and says what to run instead.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from pydantic import Field, model_validator

from voicewipe.errors import PersonNeeded
from voicewipe.flow.model import Model, StepModel
from voicewipe.runner.context import StepContext


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

    async def run(self, ctx: StepContext) -> None:
        message = ctx.render_text(self.pause.message)
        if not (ctx.options.headed and ctx.options.interactive):
            hint = ctx.render_text(self.pause.headless_hint)
            raise PersonNeeded(f"{message}; {hint}")
        print(f"\n>>> {message}\n>>> Press Enter here when done.", file=sys.stderr, flush=True)
        await asyncio.to_thread(sys.stdin.readline)
