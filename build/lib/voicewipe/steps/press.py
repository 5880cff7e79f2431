"""press: press a key (Enter, Tab, Control+A ...) in an element or on the page."""

from __future__ import annotations

from typing import Any

from pydantic import model_validator

from voicewipe.flow.model import Model, Selector, StepModel
from voicewipe.runner.context import StepContext
from voicewipe.steps._act import act, ms


class PressArgs(Model):
    key: str
    target: Selector | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"key": value} if isinstance(value, str) else value


class Press(StepModel):
    KIND = "press"
    press: PressArgs

    def summary(self) -> str:
        return f"press {self.press.key}"

    def target(self) -> Selector | None:
        return self.press.target

    async def run(self, ctx: StepContext) -> None:
        key = ctx.render_text(self.press.key)
        if self.press.target is None:
            await act(f"press {key}", lambda: ctx.page.keyboard.press(key))
            return
        located = await ctx.find(self.press.target)
        await act(
            f"press {key} in {located.description}",
            lambda: located.locator.press(key, timeout=ms(ctx.timeout)),
        )
