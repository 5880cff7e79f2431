"""The step runner: runs steps in order, each through the engine's registry of step kinds.

Every step that runs, in loops and sub-flows too, gets a number, a line in run.json (records)
and a screenshot (pictures); a destructive one is rehearsed without --yes (guard); a failure
is reported once, with its picture (failure), and in a headed run may be put right by the
person at the screen and tried again (mend). The Runner holds what belongs to one run: those,
the pace of requests to each site (pace), and the locks of files appended to.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from loguru import logger
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Frame, Locator, Page

from voicewipe.artifacts import RunFolder
from voicewipe.errors import PersonNeeded, SafetyRefusal, StepFailed, UsageError
from voicewipe.flow.model import Flow, StepModel
from voicewipe.runner.context import RunOptions, StepContext, StepRecord
from voicewipe.runner.failure import failed, optional_failed
from voicewipe.runner.guard import OriginWatch, Rehearsal, rehearse, rehearses
from voicewipe.runner.mend import Mender
from voicewipe.runner.pace import Pacer, Pacers
from voicewipe.runner.pictures import Pictures
from voicewipe.runner.records import Records, finish
from voicewipe.runner.scope import Scope
from voicewipe.runner.trouble import Trouble
from voicewipe.steps import behaviour

# Steps that read the page without changing it: the picture before the next action serves.
_READS = frozenset({"expect", "extract"})

__all__ = ["Rehearsal", "Runner"]  # Rehearsal is found here by the commands


class Runner:
    def __init__(self, options: RunOptions, folder: RunFolder, page: Page) -> None:
        self.options = options
        self.folder = folder
        self.page = page
        self.pictures = Pictures(folder, page, enabled=options.screenshots)
        self._book = Records(screenshots=options.screenshots)
        self.records: list[StepRecord] = self._book.records
        # A Playwright trace records typed text and the page's inputs: once a secret has been
        # typed, the run's trace is never written to disk.
        self.secret_typed = False
        # Called with each step's record as it starts, when it has news (a page of records
        # listed), when it fails (before a person is asked to put it right) and when it has
        # finished: progress displays listen here.
        self.listeners: list[Callable[[StepRecord], None]] = []
        self._watch = OriginWatch(page)
        self._mender = Mender(options)
        self._pacers = Pacers()
        page.on("framenavigated", self._on_navigation)

    def _on_navigation(self, frame: Frame) -> None:
        self.pictures.page_changed = True
        self._watch.navigated(frame)

    # --- what a step may ask of the run (runner.context.Engine) -----------------------------
    def notify(self, record: StepRecord) -> None:
        """Tell the listeners about a step (finished, or running with news in its details)."""
        for listener in self.listeners:
            listener(record)

    def mask(self, locator: Locator) -> None:
        """Hide this element in every screenshot from now on (a field a secret was typed into)."""
        self.pictures.mask(locator)

    def add_masks(self, flow: Flow, scope: Scope) -> None:
        self.pictures.add_masks(flow, scope, personal=self.options.mask_personal)

    def pacer(self, url: str) -> Pacer:
        return self._pacers.for_url(url)

    def stop_if_asked(self) -> None:
        """End the run here when a signal asked it to stop: a cancellation that a step, a
        loop or a retry swallowed would otherwise leave the run going."""
        if self.options.stop.requested:
            raise asyncio.CancelledError(f"stopped by {self.options.stop.name}")

    @property
    def trouble(self) -> Trouble:
        """What the site's faults cost this run (retries, time lost): for its summary."""
        return self._pacers.trouble

    async def take_pictures(self) -> None:
        """Photograph the page for the steps still waiting for a picture (the run's end)."""
        await self.pictures.take()

    # --- running --------------------------------------------------------------------------
    async def run_steps(
        self,
        steps: Sequence[StepModel],
        *,
        flow: Flow,
        scope: Scope,
        parent: int | None = None,
        origins: tuple[str, ...] = (),
    ) -> None:
        for step in steps:
            await self.run_step(step, flow=flow, scope=scope, parent=parent, origins=origins)

    async def run_step(
        self,
        step: StepModel,
        *,
        flow: Flow,
        scope: Scope,
        parent: int | None = None,
        origins: tuple[str, ...] = (),
    ) -> None:
        self.stop_if_asked()
        self._watch.origins = origins
        record = self._book.open(step, parent, scope)
        ctx = StepContext(self, flow, step, scope, record, origins)
        indent = self._book.indent(record)
        self.notify(record)  # begun: a display makes way for a step that asks the person
        try:
            again = await self._attempt(ctx, indent)
        finally:
            finish(record, self.page)
            if step.touches_page():
                self.pictures.page_changed = True
        if again:  # the failed attempt keeps its line and picture; the new one gets its own
            self._book.settle(step, record)
            await self.run_step(step, flow=flow, scope=scope, parent=parent, origins=origins)
            return
        # A failed optional step leaves its picture too: what the page showed when it failed.
        await self.pictures.after(step, record)
        self.notify(record)
        if record.outcome == "ok":
            # The engine's account of the run: every line in the run's log, and on the
            # terminal with -v (logs.for_a_person); a person reads the command's phases.
            logger.bind(detail=True).log(
                "DEBUG" if step.quiet else "INFO",
                f"{indent}{record.number:>3} ✓ {record.label} ({record.duration_ms / 1000:.1f}s)",
            )
        self._book.settle(step, record)

    async def _attempt(self, ctx: StepContext, indent: str) -> bool:
        """Run the step once and record how it went; True when it failed, a person put the
        page right, and it is to be tried again."""
        step, record = ctx.step, ctx.record
        try:
            await self._act(ctx)
            record.outcome = "ok"
        except Rehearsal:
            if record.outcome == "running":  # a step around the rehearsed one
                record.outcome = "stopped"
            raise
        except StepFailed as error:
            self.stop_if_asked()  # a failure the stopping caused is no failure of the step
            if step.optional:
                optional_failed(record, error, indent)
                return False
            await failed(ctx, error, indent, self.pictures)
            self.notify(record)  # a display stands aside: a person may be asked to mend it
            if not await self._mender.puts_right(ctx, error):
                raise
            self.pictures.page_changed = True
            return True
        except (PersonNeeded, SafetyRefusal, UsageError) as error:
            await failed(ctx, error, indent, self.pictures)
            raise
        except PlaywrightError as error:
            # Anything Playwright raises that a step did not turn into a StepFailed itself:
            # a closed page, a crashed browser, a navigation that failed.
            self.stop_if_asked()
            failure = StepFailed(error.message.splitlines()[0], kind="page")
            if not step.optional:
                await failed(ctx, failure, indent, self.pictures)
                raise failure from None
            optional_failed(record, failure, indent)
        return False

    async def _act(self, ctx: StepContext) -> None:
        step = ctx.step
        if step.touches_page() and step.KIND not in _READS:
            await self.pictures.take()  # the page as the steps before this one left it
        if rehearses(step, self.options):
            await rehearse(ctx, self.pictures)
        elif step.destructive and self.options.before_destructive is not None:
            self.options.before_destructive(ctx)  # on disk before the step acts
        await behaviour(step)(step, ctx)
        self._watch.check(ctx.flow)
