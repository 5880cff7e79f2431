"""What keeps a run from doing harm: the destructive-step guard, and the origins a page may
not leave.

A destructive step without --yes (or the person's consent at the terminal) is rehearsed: its
target is found, outlined and photographed, and the run stops there, having changed nothing.
A page that went somewhere outside the flow's origins (a link, a redirect) stops the run
after the step that led there.
"""

from __future__ import annotations

import time
from typing import NoReturn

from loguru import logger
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Frame, Page

from voicewipe.errors import SafetyRefusal
from voicewipe.flow.model import Flow, StepModel, describe_selector
from voicewipe.runner.context import RunOptions, StepContext, StepRecord
from voicewipe.runner.origins import origin_allowed
from voicewipe.runner.pictures import Pictures
from voicewipe.runner.records import page_url

_OUTLINE = "el => { el.style.outline = '4px solid #d00'; el.style.outlineOffset = '2px'; }"


class Rehearsal(Exception):
    """Raised at the first destructive step of a run without --yes."""

    def __init__(self, record: StepRecord) -> None:
        super().__init__(record.label)
        self.record = record


def rehearses(step: StepModel, options: RunOptions) -> bool:
    """Whether this step is to be rehearsed instead of done."""
    if options.wire is not None and options.wire.rehearses:  # a capture's walk, a replay
        return step.destructive
    return step.destructive and not (options.yes or options.consent.given)


async def rehearse(ctx: StepContext, pictures: Pictures) -> NoReturn:
    """Find and outline the target of a destructive step, photograph it, and stop the run."""
    record, target = ctx.record, ctx.step.target()
    if target is not None:
        located = await ctx.find(target)
        try:
            await located.locator.first.scroll_into_view_if_needed(timeout=ctx.timeout * 1000)
            await located.locator.first.evaluate(_OUTLINE)
        except PlaywrightError as error:
            logger.debug(f"could not outline {record.selector}: {error.message}")
    record.outcome = "rehearsed"
    record.url = page_url(ctx.page)
    record.duration_ms = int((time.monotonic() - record.started) * 1000)
    await pictures.after(ctx.step, record, force=True)
    what = f" on {record.selector or describe_selector(target)}" if target is not None else ""
    logger.warning(
        f"{record.number:>3} ○ {record.label}: destructive{what}; rehearsal, not done "
        "(give --yes to act)"
    )
    raise Rehearsal(record)


class OriginWatch:
    """Where the page's main frame went, outside the origins of the step running."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.origins: tuple[str, ...] = ()
        self._left: str | None = None

    def navigated(self, frame: Frame) -> None:
        if frame == self.page.main_frame and not origin_allowed(frame.url, self.origins):
            self._left = frame.url

    def check(self, flow: Flow) -> None:
        """Refuse to go on after a step that led the page outside the flow's origins."""
        if self._left is not None:
            left, self._left = self._left, None
            raise SafetyRefusal(
                f"the page went to {left}, outside the origins flow '{flow.name}' may visit"
            )
