"""A run's records: one line of run.json per step that ran, numbered in the order they
started, with the step each ran inside.

A quiet step that succeeds inside another and takes no picture (one download of a loop of
100,000) is counted on its parent's line instead of keeping a line, a record and memory of
its own.
"""

from __future__ import annotations

import time
from types import MappingProxyType

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from voicewipe.errors import StepFailed, TemplateProblem
from voicewipe.flow.model import StepModel
from voicewipe.flow.template import is_template, render_text
from voicewipe.redact import redact
from voicewipe.runner.context import StepRecord
from voicewipe.runner.scope import Scope

# What a folded step adds to its parent's `quiet` counts: each kind's number of steps, and
# these details summed (bytes saved, throttled answers) or counted (files the site had not).
_SUMS = MappingProxyType(
    {
        "size": "bytes",
        "throttled": "throttled",
        "server_errors": "server_errors",
        "lines": "lines",
        "pages": "pages",
        "items": "items",
    }
)
_FLAGS = ("missing",)


# The most steps one run may start: an export of a million recordings takes a few million (a
# step or two a recording), and a flow whose loops multiply into billions is stopped instead.
MAX_STEPS = 50_000_000


class Records:
    def __init__(self, *, screenshots: bool) -> None:
        self.screenshots = screenshots
        self.records: list[StepRecord] = []  # what run.json lists, in order
        self._counter = 0
        self._depths: dict[int, int] = {}
        # The steps running, and those that did keep a line below them (see settle).
        self._running: dict[int, StepRecord] = {}
        self._kept_below: set[int] = set()

    def open(self, step: StepModel, parent: int | None, scope: Scope) -> StepRecord:
        """The record of a step about to run."""
        self._counter += 1
        if self._counter > MAX_STEPS:
            # Every loop has its own bound (repeat's max, paginate's max_pages, a list's
            # length); loops inside loops multiply them, and this bounds the product.
            raise StepFailed(
                f"the run has done {MAX_STEPS:,} steps, the most a run may do; a loop in the "
                f"flow ({step.location}) does far more work than any flow needs",
                kind="template",
            )
        record = StepRecord(
            number=self._counter,
            label=title(step, scope),
            kind=step.KIND,
            file=step.location.file,
            line=step.location.line,
            parent=parent,
            started=time.monotonic(),
            destructive=step.destructive,
            proof=step.proof,
        )
        self.records.append(record)
        self._running[record.number] = record
        self._depths[record.number] = self._depths[parent] + 1 if parent is not None else 0
        return record

    def indent(self, record: StepRecord) -> str:
        """What a step's lines on the terminal start with: two spaces per level of nesting."""
        return "  " * self._depths.get(record.number, 0)

    def settle(self, step: StepModel, record: StepRecord) -> None:
        """A finished step keeps its line; or, quiet and ok inside another step, with no line
        kept below it and no picture, it is counted on its parent's line and forgotten."""
        self._running.pop(record.number, None)
        parent = self._running.get(record.parent) if record.parent is not None else None
        if parent is None:
            return
        if (
            not step.quiet
            or record.outcome != "ok"
            or (self.screenshots and (step.screenshot or step.proof is not None))  # a picture
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


def title(step: StepModel, scope: Scope) -> str:
    """The step's label; for an unlabelled step, its summary with the variables filled in
    (`expect url /alexa-privacy/apd/rvh`, not `.../{{ page }}`) when they can be."""
    text = step.title()
    if step.label or not is_template(text):
        return text
    try:
        return redact(render_text(text, scope))
    except TemplateProblem:
        return text


def finish(record: StepRecord, page: Page) -> None:
    """A step's duration and, unless it said otherwise, the address the page shows."""
    record.duration_ms = int((time.monotonic() - record.started) * 1000)
    if record.url is None:
        record.url = page_url(page)


def page_url(page: Page) -> str | None:
    """The page's address, redacted; None when the page is gone."""
    try:
        return redact(page.url)
    except PlaywrightError:
        return None
