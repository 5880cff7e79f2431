"""consent: ask the person at the terminal to go ahead with what the destructive steps after
it will do, by typing a word the flow gives (the number of recordings, say).

    - consent:
        message: "300 recordings (all history, every device) will be deleted from Amazon."
        answer: "{{ count }}"

A run given --yes has consented already, and a run without a terminal (cron, a pipe) cannot
be asked: for both the step does nothing, and without --yes the first destructive step is
rehearsed as always. At a terminal the person reads what will happen and types the answer to
go ahead; anything else leaves the run a rehearsal. Consent holds for the rest of the job (a
wipe's delete and the auto-delete setting after it).
"""

from __future__ import annotations

import asyncio
import sys

from pydantic import Field

from voicewipe.flow.model import Model, StepModel
from voicewipe.runner.context import StepContext


class ConsentArgs(Model):
    message: str = Field(description="what the destructive steps after this one will do")
    answer: str = Field(description="what the person types to go ahead")


class Consent(StepModel):
    KIND = "consent"
    TOUCHES_PAGE = False
    consent: ConsentArgs

    def summary(self) -> str:
        return "ask to go ahead"

    async def run(self, ctx: StepContext) -> None:
        options = ctx.options
        if options.yes or options.consent.given or not options.interactive:
            ctx.record.details["asked"] = False
            return
        message = ctx.render_text(self.consent.message)
        answer = ctx.render_text(self.consent.answer).strip()
        if options.consent.also:
            message = f"{message} {options.consent.also}"
        print(
            f"\n{message}\nType {answer} and Enter to go ahead; anything else stops here "
            "(nothing is changed).",
            file=sys.stderr,
            flush=True,
        )
        typed = await asyncio.to_thread(sys.stdin.readline)
        given = typed.strip() == answer
        ctx.record.details.update(asked=True, given=given)
        options.consent.given = given
