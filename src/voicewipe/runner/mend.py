"""The person at the screen: in a headed run with a person at the terminal, a step that met an
unexpected page (an element missing, an expectation unmet, a page that would not load) does
not end the run. The browser stays as it is, the person puts it right there (signs in again,
closes a dialog, goes back to the page the step wants) and presses Enter, and the step is
tried again.
"""

from __future__ import annotations

import asyncio
import sys

from loguru import logger

from voicewipe.errors import StepFailed
from voicewipe.runner.context import RunOptions, StepContext
from voicewipe.signals import in_daemon_thread

# Failures a person can mend in the browser window; a refused request or a flow's own `fail`
# is not one of them.
_MENDABLE = frozenset({"not_found", "ambiguous", "timeout", "expectation", "page"})


class Mender:
    def __init__(self, options: RunOptions) -> None:
        self.options = options
        self._asking = asyncio.Lock()  # steps running side by side ask one at a time

    async def puts_right(self, ctx: StepContext, error: StepFailed) -> bool:
        """Whether a person put the page right and the failed step is to be tried again.
        False when the run should stop: no person, a failure no one can mend in the browser,
        an inner step's failure already offered, or the person's choice. A destructive step
        is never retried after a person has touched the page: what it would act on was
        checked before it, not after."""
        if not (self.options.headed and self.options.interactive):
            return False
        if error.step_number != ctx.record.number or error.kind not in _MENDABLE:
            return False
        if ctx.step.destructive:
            return False
        async with self._asking:
            print(
                f"\n>>> {error.message}\n"
                ">>> The browser shows the page as it is. Put it right there if you can (sign in"
                " again, close a dialog, go back to the page the step expects),\n"
                f">>> then press Enter to try step {ctx.record.number} again, or type q and Enter"
                " to stop the run.",
                file=sys.stderr,
                flush=True,
            )
            answer = await in_daemon_thread(sys.stdin.readline)
        if not answer or answer.strip().lower() in ("q", "quit", "stop"):
            return False
        ctx.record.outcome = "retried"
        logger.info(f"{ctx.record.number:>3} ↻ {ctx.record.label}: a person put the page right")
        return True
