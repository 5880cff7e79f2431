"""The step runner: runs steps in order, records each, screenshots each, guards destructive ones.

Every step that runs, in loops and sub-flows too, gets a number, a line in run.json and a
screenshot NNN-<label>.png. The picture is taken when the page is about to change (before the
next step that acts on it: a click, a navigation, typing) or when the run ends, and every step
since the last action shares it (hard-linked under each step's name): the page as those steps
left it, after what they waited for had appeared. So a run takes about one picture per action,
not one per step. A destructive step without --yes is rehearsed: its target is found, outlined
and photographed, and the run stops there, having changed nothing. A failing step is
photographed at once.

A quiet step that succeeds inside another and takes no picture (one download of a loop of
100,000) is counted on its parent's line instead of keeping a line of its own.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from loguru import logger
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Frame, Locator, Page

from voicewipe.artifacts import RunFolder, Shot
from voicewipe.errors import PersonNeeded, SafetyRefusal, StepFailed, UsageError, VoicewipeError
from voicewipe.flow.model import Flow, StepModel, describe_selector
from voicewipe.redact import redact
from voicewipe.runner.context import RunOptions, StepContext, StepRecord
from voicewipe.runner.locate import build_locator
from voicewipe.runner.origins import origin_allowed
from voicewipe.runner.scope import Scope

# Failures a person can mend in the browser window; a refused request or a flow's own `fail`
# is not one of them.
_MENDABLE = frozenset({"not_found", "ambiguous", "timeout", "expectation", "page"})
_OUTLINE = "el => { el.style.outline = '4px solid #d00'; el.style.outlineOffset = '2px'; }"


class Rehearsal(Exception):
    """Raised at the first destructive step of a run without --yes."""

    def __init__(self, record: StepRecord) -> None:
        super().__init__(record.label)
        self.record = record


class Runner:
    def __init__(self, options: RunOptions, folder: RunFolder, page: Page) -> None:
        self.options = options
        self.folder = folder
        self.page = page
        self.records: list[StepRecord] = []
        self._counter = 0
        self._last_shot: Shot | None = None
        self._page_changed = True
        self._masks: list[Locator] = []
        self._left_origin: str | None = None
        self._origins: tuple[str, ...] = ()
        self._depths: dict[int, int] = {}
        # A Playwright trace records typed text and the page's inputs: once a secret has been
        # typed, the run's trace is never written to disk.
        self.secret_typed = False
        # Called with each finished step's record, and with a running one's when it has news
        # (a page of records listed): progress displays listen here.
        self.listeners: list[Callable[[StepRecord], None]] = []
        self._pause_lock = asyncio.Lock()
        self._append_locks: dict[Path, asyncio.Lock] = {}
        # A quiet step that succeeds inside another (one download of a loop of 100,000) is
        # counted on its parent's line instead of keeping a line, a record and memory of its
        # own (see _settle): the steps running, and those that did keep a line below them.
        self._running: dict[int, StepRecord] = {}
        self._kept_below: set[int] = set()
        self._unpictured: list[StepRecord] = []  # the steps the next picture is for
        page.on("framenavigated", self._on_navigation)

    # --- bookkeeping ----------------------------------------------------------------------
    def _on_navigation(self, frame: Frame) -> None:
        self._page_changed = True
        if frame == self.page.main_frame and not origin_allowed(frame.url, self._origins):
            self._left_origin = frame.url

    def notify(self, record: StepRecord) -> None:
        """Tell the listeners about a step (finished, or running with news in its details)."""
        for listener in self.listeners:
            listener(record)

    def mask(self, locator: Locator) -> None:
        """Hide this element in every screenshot from now on (a field a secret was typed into)."""
        self._masks.append(locator)

    def add_masks(self, flow: Flow, scope: Scope) -> None:
        from voicewipe.flow.template import render_text

        chosen = flow.mask + (flow.personal if self.options.mask_personal else ())
        for selector in chosen:
            self.mask(build_locator(self.page, selector, lambda t: render_text(t, scope)))

    def _new_record(self, step: StepModel, parent: int | None, scope: Scope) -> StepRecord:
        self._counter += 1
        record = StepRecord(
            number=self._counter,
            label=_title(step, scope),
            kind=step.KIND,
            file=step.location.file,
            line=step.location.line,
            parent=parent,
            started=time.monotonic(),
            destructive=step.destructive,
        )
        self.records.append(record)
        self._running[record.number] = record
        return record

    async def _screenshot(
        self, step: StepModel, record: StepRecord, *, force: bool = False
    ) -> None:
        """A picture for this step: taken now when forced (a failure, a rehearsal), else with
        the next one (see take_pictures). Steps still waiting for theirs share a forced one:
        no action came between them."""
        if not self.options.screenshots or (not step.screenshot and not force):
            return
        if not force:
            self._unpictured.append(record)
            return
        self._page_changed = True
        self._unpictured.insert(0, record)
        await self.take_pictures()

    async def take_pictures(self) -> None:
        """Photograph the page for the steps waiting for a picture: a new one when the page
        may have changed since the last, else the last one again."""
        waiting, self._unpictured = self._unpictured, []
        if not waiting:
            return
        first = waiting[0]
        try:
            if self._page_changed or self._last_shot is None:
                shot = await self.folder.screenshot(
                    self.page, first.number, first.label, self._masks
                )
                self._last_shot, self._page_changed = shot, False
            else:
                shot = self.folder.reuse(self._last_shot, first.number, first.label)
            first.screenshot, first.screenshot_sha256 = shot.name, shot.sha256
            for record in waiting[1:]:
                linked = self.folder.reuse(shot, record.number, record.label)
                record.screenshot, record.screenshot_sha256 = linked.name, linked.sha256
        except PlaywrightError as error:
            logger.debug(f"no screenshot for step {first.number}: {error.message}")

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
        self._origins = origins
        retry = False
        record = self._new_record(step, parent, scope)
        ctx = StepContext(self, flow, step, scope, record, origins)
        depth = self._depths[parent] + 1 if parent is not None else 0
        self._depths[record.number] = depth
        indent = "  " * depth
        try:
            if step.touches_page() and step.KIND not in _READS:
                await self.take_pictures()  # the page as the steps before this one left it
            if step.destructive and not (self.options.yes or self.options.consent.given):
                await self._rehearse(ctx)
            await step.run(ctx)
            if self._left_origin is not None:
                left, self._left_origin = self._left_origin, None
                raise SafetyRefusal(
                    f"the page went to {left}, outside the origins flow '{flow.name}' may visit"
                )
            record.outcome = "ok"
        except Rehearsal:
            if record.outcome == "running":  # a step around the rehearsed one
                record.outcome = "stopped"
            raise
        except StepFailed as error:
            if step.optional:
                self._optional_failed(record, error, indent)
            else:
                await self._fail(ctx, error, indent)
                if not await self._person_puts_right(ctx, error):
                    raise
                retry = True
        except (PersonNeeded, SafetyRefusal, UsageError) as error:
            await self._fail(ctx, error, indent)
            raise
        except PlaywrightError as error:
            # Anything Playwright raises that a step did not turn into a StepFailed itself:
            # a closed page, a crashed browser, a navigation that failed.
            failure = StepFailed(error.message.splitlines()[0], kind="page")
            if not step.optional:
                await self._fail(ctx, failure, indent)
                raise failure from None
            self._optional_failed(record, failure, indent)
        finally:
            record.duration_ms = int((time.monotonic() - record.started) * 1000)
            if record.url is None:
                record.url = _safe_url(self.page)
            if step.touches_page():
                self._page_changed = True
        if retry:  # the failed attempt keeps its line and picture; the new one gets its own
            self._settle(step, record)
            await self.run_step(step, flow=flow, scope=scope, parent=parent, origins=origins)
            return
        # A failed optional step leaves its picture too: what the page showed when it failed.
        await self._screenshot(step, record)
        self.notify(record)
        if record.outcome == "ok":
            logger.log(
                "DEBUG" if step.quiet else "INFO",
                f"{indent}{record.number:>3} ✓ {record.label} ({record.duration_ms / 1000:.1f}s)",
            )
        self._settle(step, record)

    def append_lock(self, path: Path) -> asyncio.Lock:
        """Appends to one file go one at a time (each_page steps of windows side by side)."""
        if path not in self._append_locks:
            self._append_locks[path] = asyncio.Lock()
        return self._append_locks[path]

    async def _person_puts_right(self, ctx: StepContext, error: StepFailed) -> bool:
        """In a headed run with a person at the terminal, a step that met an unexpected page
        (an element missing, an expectation unmet, a page that would not load) does not end
        the run: the browser stays as it is, the person puts it right there (signs in again,
        closes a dialog, goes back to the page the step wants) and presses Enter, and the step
        is tried again. Returns False when the run should stop: no person, a failure no one
        can mend in the browser, an inner step's failure already offered, or the person's
        choice. A destructive step is never retried after a person has touched the page: what
        it would act on was checked before it, not after."""
        if not (self.options.headed and self.options.interactive):
            return False
        if error.step_number != ctx.record.number or error.kind not in _MENDABLE:
            return False
        if ctx.step.destructive:
            return False
        async with self._pause_lock:  # steps running side by side ask one at a time
            print(
                f"\n>>> {error.message}\n"
                ">>> The browser shows the page as it is. Put it right there if you can (sign in"
                " again, close a dialog, go back to the page the step expects),\n"
                f">>> then press Enter to try step {ctx.record.number} again, or type q and Enter"
                " to stop the run.",
                file=sys.stderr,
                flush=True,
            )
            answer = await asyncio.to_thread(sys.stdin.readline)
        if not answer or answer.strip().lower() in ("q", "quit", "stop"):
            return False
        ctx.record.outcome = "retried"
        logger.info(f"{ctx.record.number:>3} ↻ {ctx.record.label}: a person put the page right")
        self._page_changed = True
        return True

    def _settle(self, step: StepModel, record: StepRecord) -> None:
        """A finished step keeps its line; or, quiet and ok inside another step, with no line
        kept below it and no picture, it is counted on its parent's line and forgotten."""
        self._running.pop(record.number, None)
        parent = self._running.get(record.parent) if record.parent is not None else None
        if parent is None:
            return
        if (
            not step.quiet
            or record.outcome != "ok"
            or (self.options.screenshots and step.screenshot)  # it waits for a picture
            or record.screenshot is not None
            or record.number in self._kept_below
        ):
            self._kept_below.add(parent.number)
            return
        for index in range(len(self.records) - 1, -1, -1):  # it is among the last few
            if self.records[index] is record:
                del self.records[index]
                break
        self._depths.pop(record.number, None)
        fold_into(parent, record)

    def _optional_failed(self, record: StepRecord, error: StepFailed, indent: str) -> None:
        record.outcome, record.message = "optional-failed", redact(error.message)
        logger.warning(
            f"{indent}{record.number:>3} - {record.label}: {record.message} (optional, going on)"
        )

    async def _rehearse(self, ctx: StepContext) -> None:
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
        record.url = _safe_url(self.page)
        record.duration_ms = int((time.monotonic() - record.started) * 1000)
        self._page_changed = True
        await self._screenshot(ctx.step, record, force=True)
        what = f" on {record.selector or describe_selector(target)}" if target is not None else ""
        logger.warning(
            f"{record.number:>3} ○ {record.label}: destructive{what}; rehearsal, not done "
            "(give --yes to act)"
        )
        raise Rehearsal(record)

    async def _fail(self, ctx: StepContext, error: VoicewipeError, indent: str) -> None:
        record = ctx.record
        record.outcome = "failed"
        if error.reported:
            record.message = f"step {error.step_number} failed"
            return
        record.url = _safe_url(self.page)
        record.duration_ms = int((time.monotonic() - record.started) * 1000)
        self._page_changed = True
        await self._screenshot(ctx.step, record, force=True)
        details = [error.message]
        if record.selector or ctx.step.target() is not None:
            details.append(f"selector: {record.selector or describe_selector(ctx.step.target())}")  # type: ignore[arg-type]
        details.append(f"url: {record.url}")
        if record.screenshot:
            details.append(f"screenshot: {self.folder.path / record.screenshot}")
        verb = {PersonNeeded: "needs a person", SafetyRefusal: "was refused"}.get(
            type(error), "failed"
        )
        error.message = redact(
            f"step {record.number} '{record.label}' ({record.kind}) {verb}: " + "; ".join(details)
        )
        error.location = ctx.step.location
        record.message = redact(error.message)
        error.reported, error.step_number = True, record.number
        # The terminal gets the full message once, from the CLI; the log file gets it here.
        logger.error(f"{indent}{record.number:>3} ✗ {record.label}")
        logger.debug(record.message)


# Steps that read the page without changing it: the picture before the next action serves.
_READS = frozenset({"expect", "extract"})

# What a folded step adds to its parent's `quiet` counts: each kind's number of steps, and
# these details summed (bytes saved, throttled answers) or counted (files the site had not).
_SUMS = {
    "size": "bytes",
    "throttled": "throttled",
    "lines": "lines",
    "pages": "pages",
    "items": "items",
}
_FLAGS = ("missing",)


def fold_into(parent: StepRecord, record: StepRecord) -> None:
    counts: dict[str, int] = parent.details.setdefault("quiet", {})
    counts[record.kind] = counts.get(record.kind, 0) + 1
    for key, total in _SUMS.items():
        value = record.details.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            counts[total] = counts.get(total, 0) + value
    for key in _FLAGS:
        if record.details.get(key) is True:
            counts[key] = counts.get(key, 0) + 1
    for key, value in record.details.get("quiet", {}).items():  # what it had folded itself
        counts[key] = counts.get(key, 0) + value


def _title(step: StepModel, scope: Scope) -> str:
    """The step's label; for an unlabelled step, its summary with the variables filled in
    (`expect url /alexa-privacy/apd/rvh`, not `.../{{ page }}`) when they can be."""
    from voicewipe.flow.template import TemplateProblem, is_template, render_text

    title = step.title()
    if step.label or not is_template(title):
        return title
    try:
        return redact(render_text(title, scope))
    except TemplateProblem:
        return title


def _safe_url(page: Page) -> str | None:
    try:
        return redact(page.url)
    except PlaywrightError:
        return None


def outputs_of(flow: Flow, scope: Scope, *, partial: bool = False) -> dict[str, Any]:
    """The flow's outputs. `partial`: leave out those that cannot be worked out yet (a flow
    stopped part-way), instead of failing."""
    from voicewipe.flow.template import TemplateProblem, render

    values: dict[str, Any] = {}
    for name, text in flow.outputs.items():
        try:
            values[name] = render(text, scope)
        except TemplateProblem as problem:
            if partial:
                continue
            raise StepFailed(f"output '{name}': {problem}", kind="template") from None
    return values


def render_origins(flow: Flow, scope: Scope) -> tuple[str, ...]:
    """The flow's origins; one whose template gives a list (an input) adds each of its items."""
    from voicewipe.flow.template import TemplateProblem, render

    origins: list[str] = []
    try:
        for origin in flow.origins:
            value = render(origin, scope)
            items = value if isinstance(value, list | tuple) else [value]
            origins.extend(str(item) for item in items if item)
    except TemplateProblem as problem:
        raise StepFailed(f"flow '{flow.name}' origins: {problem}", kind="template") from None
    return tuple(origins)
