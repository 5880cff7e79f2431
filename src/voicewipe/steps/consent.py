"""consent: ask the person at the terminal to go ahead with what the destructive steps after
it will do, by typing the answer the flow gives.

A run given --yes has consented already, and a run without a terminal (cron, a pipe) cannot
be asked: for both the step does nothing, and without --yes the first destructive step is
rehearsed as always. At a terminal the person reads what will happen and types the answer to
go ahead; anything else leaves the run a rehearsal. Consent holds for the rest of the job (a
wipe's delete and the auto-delete setting after it).
"""

from __future__ import annotations

import sys

from voicewipe.flow.steps.consent import Consent
from voicewipe.runner.context import StepContext
from voicewipe.signals import in_daemon_thread


async def run(step: Consent, ctx: StepContext) -> None:
    options = ctx.options
    if options.yes or options.consent.given or not options.interactive:
        ctx.record.details["asked"] = False
        return
    message = ctx.render_text(step.consent.message)
    answer = ctx.render_text(step.consent.answer).strip()
    if options.consent.also:
        message = f"{message} {options.consent.also}"
    print(
        f"\n{message}\nType {answer} and Enter to go ahead; anything else stops here "
        "(nothing is changed).",
        file=sys.stderr,
        flush=True,
    )
    typed = await in_daemon_thread(sys.stdin.readline)
    given = typed.strip() == answer
    ctx.record.details.update(asked=True, given=given)
    options.consent.given = given
