"""press: press a key (Enter, Tab, Control+A ...) in an element or on the page."""

from __future__ import annotations

from voicewipe.flow.steps.press import Press
from voicewipe.runner.context import StepContext
from voicewipe.steps._act import act, ms


async def run(step: Press, ctx: StepContext) -> None:
    key = ctx.render_text(step.press.key)
    if step.press.target is None:
        await act(f"press {key}", lambda: ctx.page.keyboard.press(key))
        return
    located = await ctx.find(step.press.target)
    await act(
        f"press {key} in {located.description}",
        lambda: located.locator.press(key, timeout=ms(ctx.timeout)),
    )
