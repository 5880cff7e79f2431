"""pause: hand the browser to the person (a CAPTCHA, an approval) until they press Enter.

Only in a headed, interactive run; anywhere else it stops the run with the "a person is
needed" exit code and says what to run instead.
"""

from __future__ import annotations

import sys

from voicewipe.errors import PersonNeeded
from voicewipe.flow.steps.pause import Pause
from voicewipe.runner.context import StepContext
from voicewipe.signals import in_daemon_thread


async def run(step: Pause, ctx: StepContext) -> None:
    message = ctx.render_text(step.pause.message)
    if not (ctx.options.headed and ctx.options.interactive):
        hint = ctx.render_text(step.pause.headless_hint)
        raise PersonNeeded(f"{message}; {hint}")
    print(f"\n>>> {message}\n>>> Press Enter here when done.", file=sys.stderr, flush=True)
    await in_daemon_thread(sys.stdin.readline)
