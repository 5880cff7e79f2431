"""prompt: ask the person at the terminal for a value (interactive runs only).

A run without a terminal (cron, CI) cannot ask: it stops with the "a person is needed" exit
code instead of waiting forever.
"""

from __future__ import annotations

import getpass

from voicewipe.errors import PersonNeeded
from voicewipe.flow.steps.prompt import Prompt
from voicewipe.runner.context import StepContext
from voicewipe.secret import Secret
from voicewipe.signals import in_daemon_thread


async def run(step: Prompt, ctx: StepContext) -> None:
    message = ctx.render_text(step.prompt.message)
    if not ctx.options.interactive:
        raise PersonNeeded(
            f"the flow asks a person: {message!r}, and this run has no terminal to ask at"
        )
    ask = getpass.getpass if step.prompt.secret else input
    answer = await in_daemon_thread(ask, f"{message} ")
    ctx.scope.set(
        step.prompt.into, Secret(step.prompt.into, answer) if step.prompt.secret else answer
    )
