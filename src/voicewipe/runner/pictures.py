"""A run's screenshots, and what they hide.

Every step that runs, in loops and sub-flows too, gets a screenshot NNN-<label>.png. The
picture is taken when the page is about to change (before the next step that acts on it: a
click, a navigation, typing) or when the run ends, and every step since the last action shares
it (hard-linked under each step's name): the page as those steps left it, after what they
waited for had appeared. So a run takes about one picture per action, not one per step. A
failing or rehearsed step is photographed at once.

Masked elements (the fields secrets were typed into, a flow's `mask` and, when asked,
`personal`) are hidden in every picture taken after they are known.
"""

from __future__ import annotations

from loguru import logger
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator, Page

from voicewipe.artifacts import RunFolder, Shot
from voicewipe.flow.model import Flow, StepModel
from voicewipe.flow.template import render_text
from voicewipe.runner.context import StepRecord
from voicewipe.runner.locate import build_locator
from voicewipe.runner.scope import Scope


class Pictures:
    def __init__(self, folder: RunFolder, page: Page, *, enabled: bool) -> None:
        self.folder = folder
        self.page = page
        self.enabled = enabled
        # Whether the page may look different from the last picture: set by navigation, by
        # every step that acts on the page, and by whatever hands the page to a person.
        self.page_changed = True
        self._last_shot: Shot | None = None
        self._masks: list[Locator] = []
        self._waiting: list[StepRecord] = []  # the steps the next picture is for

    def mask(self, locator: Locator) -> None:
        """Hide this element in every screenshot from now on (a field a secret was typed into)."""
        self._masks.append(locator)

    def add_masks(self, flow: Flow, scope: Scope, *, personal: bool) -> None:
        chosen = flow.mask + (flow.personal if personal else ())
        for selector in chosen:
            self.mask(build_locator(self.page, selector, lambda t: render_text(t, scope)))

    async def after(self, step: StepModel, record: StepRecord, *, force: bool = False) -> None:
        """A picture for this step: taken now when forced (a failure, a rehearsal), else with
        the next one (see take). Steps still waiting for theirs share a forced one: no action
        came between them."""
        # A step whose picture is a proof (its `proof`) keeps it, whatever `screenshot` says.
        if not self.enabled or (not step.screenshot and not force and step.proof is None):
            return
        if not force:
            self._waiting.append(record)
            return
        self.page_changed = True
        self._waiting.insert(0, record)
        await self.take()

    async def take(self) -> None:
        """Photograph the page for the steps waiting for a picture: a new one when the page
        may have changed since the last, else the last one again."""
        waiting, self._waiting = self._waiting, []
        if not waiting:
            return
        first = waiting[0]
        try:
            if self.page_changed or self._last_shot is None:
                shot = await self.folder.screenshot(
                    self.page, first.number, first.label, self._masks
                )
                self._last_shot, self.page_changed = shot, False
            else:
                shot = self.folder.reuse(self._last_shot, first.number, first.label)
            first.screenshot, first.screenshot_sha256 = shot.name, shot.sha256
            for record in waiting[1:]:
                linked = self.folder.reuse(shot, record.number, record.label)
                record.screenshot, record.screenshot_sha256 = linked.name, linked.sha256
        except PlaywrightError as error:
            logger.debug(f"no screenshot for step {first.number}: {error.message}")
