"""expect: wait until the page shows what it should: an element's state, text, value or
count, or the page's address or title. Fails with what was expected and what was seen."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Literal

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import expect
from pydantic import Field, field_validator, model_validator

from voicewipe.errors import ErrorKind, StepFailed
from voicewipe.flow.model import Model, Selector, StepModel, describe_selector
from voicewipe.runner.context import StepContext
from voicewipe.runner.locate import build_locator
from voicewipe.steps._act import ms

State = Literal[
    "visible",
    "hidden",
    "attached",
    "detached",
    "enabled",
    "disabled",
    "checked",
    "unchecked",
    "editable",
]


class CountRange(Model):
    min: int | None = Field(None, ge=0)
    max: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _some(self) -> CountRange:
        if self.min is None and self.max is None:
            raise ValueError("a count range needs min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min is larger than max")
        return self


class ExpectArgs(Model):
    target: Selector | None = None
    state: State | None = None
    text: str | None = Field(None, description="the element's text contains this")
    text_is: str | None = Field(None, description="the element's whole text is this")
    matches: str | None = Field(
        None, description="the element's text matches this regular expression"
    )
    value: str | None = Field(None, description="an input's value is this")
    count: int | CountRange | str | None = Field(
        None, description="how many elements: a number, {min, max}, or a template giving a number"
    )
    url: str | None = Field(None, description="the page's address contains this")
    url_matches: str | None = Field(
        None, description="the page's address matches this regular expression"
    )
    title: str | None = Field(None, description="the page's title contains this")
    message: str | None = Field(None, description="what to say when the expectation fails")

    @model_validator(mode="after")
    def _coherent(self) -> ExpectArgs:
        element_checks = [
            k
            for k in ("state", "text", "text_is", "matches", "value", "count")
            if getattr(self, k) is not None
        ]
        page_checks = [k for k in ("url", "url_matches", "title") if getattr(self, k) is not None]
        if not element_checks and not page_checks and self.target is None:
            raise ValueError("expect needs something to check: target, url, url_matches or title")
        if element_checks and self.target is None:
            raise ValueError(f"{', '.join(element_checks)} needs a target")
        return self

    @field_validator("matches", "url_matches")
    @classmethod
    def _valid_pattern(cls, pattern: str | None) -> str | None:
        # Checked field by field, so that the message points at the pattern itself.
        if pattern is not None and "{{" not in pattern:
            try:
                re.compile(pattern)
            except (re.error, RecursionError, OverflowError) as error:  # also `((((...`, `a{1e99}`
                raise ValueError(f"invalid regular expression {pattern!r}: {error}") from None
        return pattern


class Expect(StepModel):
    KIND = "expect"
    expect: ExpectArgs

    def summary(self) -> str:
        args = self.expect
        if args.target is not None:
            return f"expect {describe_selector(args.target)}"
        return (
            f"expect url {args.url or args.url_matches}"
            if args.title is None
            else f"expect title {args.title}"
        )

    def target(self) -> Selector | None:
        return self.expect.target

    async def run(self, ctx: StepContext) -> None:
        args = self.expect
        try:
            await self._check(ctx)
        except AssertionError as error:
            text = args.message and ctx.render_text(args.message)
            seen = _seen(str(error))
            raise StepFailed(text or f"expectation not met: {seen}", kind="expectation") from None
        except PlaywrightError as error:
            line = error.message.strip().splitlines()[0]
            kind: ErrorKind = "ambiguous" if "strict mode violation" in line else "page"
            raise StepFailed(f"expectation could not be checked: {line}", kind=kind) from None

    async def _check(self, ctx: StepContext) -> None:
        args, timeout = self.expect, ms(ctx.timeout)
        page = ctx.page
        # Playwright would describe these as the regular expressions we build; say it plainly.
        page_checks = (
            (args.url, True, "address", "contain"),
            (args.url_matches, False, "address", "match"),
            (args.title, True, "title", "contain"),
        )
        for text, literal, what, verb in page_checks:
            if text is None:
                continue
            wanted = ctx.render_text(text)
            pattern = re.compile(re.escape(wanted) if literal else wanted)
            try:
                if what == "address":
                    await expect(page).to_have_url(pattern, timeout=timeout)
                else:
                    await expect(page).to_have_title(pattern, timeout=timeout)
            except AssertionError:
                seen = page.url if what == "address" else repr(await page.title())
                raise AssertionError(
                    f"the {what} is {seen}, which does not {verb} {wanted!r}"
                ) from None
        if args.target is None:
            return
        ctx.record.selector = describe_selector(args.target)
        loc = build_locator(page, args.target, ctx.render_text)
        if args.count is not None:
            count = args.count
            if isinstance(count, str):
                rendered = ctx.render(count)
                if not isinstance(rendered, int) or isinstance(rendered, bool):
                    raise StepFailed(
                        f"count {count!r} gave {rendered!r}, not a whole number", kind="template"
                    )
                count = rendered
            await _expect_count(loc, count, ctx.timeout, ctx.record.selector)
        if not isinstance(args.target, str) and args.target.pick != "one":
            loc = {"first": loc.first, "last": loc.last, "all": loc}[args.target.pick]
        if not isinstance(args.target, str) and args.target.nth is not None:
            loc = loc.nth(args.target.nth)
        state = args.state
        if (
            state is None
            and args.count is None
            and not any((args.text, args.text_is, args.matches, args.value))
        ):
            state = "visible"  # `expect: {target: X}` means "X shows"
        checks = {
            "visible": lambda: expect(loc).to_be_visible(timeout=timeout),
            "hidden": lambda: expect(loc).to_be_hidden(timeout=timeout),
            "attached": lambda: expect(loc).to_be_attached(timeout=timeout),
            "detached": lambda: expect(loc).not_to_be_attached(timeout=timeout),
            "enabled": lambda: expect(loc).to_be_enabled(timeout=timeout),
            "disabled": lambda: expect(loc).to_be_disabled(timeout=timeout),
            "checked": lambda: expect(loc).to_be_checked(timeout=timeout),
            "unchecked": lambda: expect(loc).not_to_be_checked(timeout=timeout),
            "editable": lambda: expect(loc).to_be_editable(timeout=timeout),
        }
        if state is not None:
            await checks[state]()
        if args.text is not None:
            await expect(loc).to_contain_text(ctx.render_text(args.text), timeout=timeout)
        if args.text_is is not None:
            await expect(loc).to_have_text(ctx.render_text(args.text_is), timeout=timeout)
        if args.matches is not None:
            await expect(loc).to_have_text(
                re.compile(ctx.render_text(args.matches)), timeout=timeout
            )
        if args.value is not None:
            await expect(loc).to_have_value(ctx.render_text(args.value), timeout=timeout)


async def _expect_count(loc: object, wanted: int | CountRange, timeout: float, what: str) -> None:
    low, high = (wanted, wanted) if isinstance(wanted, int) else (wanted.min, wanted.max)
    deadline = time.monotonic() + timeout
    while True:
        count = await loc.count()  # type: ignore[attr-defined]
        if (low is None or count >= low) and (high is None or count <= high):
            return
        if time.monotonic() >= deadline:
            if low == high:
                want = f"{low}"
            elif high is None:
                want = f"at least {low}"
            elif low is None:
                want = f"at most {high}"
            else:
                want = f"{low} to {high}"
            raise AssertionError(f"{what}: expected {want} element(s), found {count}")
        await asyncio.sleep(0.05)


def _seen(message: str) -> str:
    """Playwright's assertion text, cut to its useful first lines."""
    # What follows "Call log:" is Playwright's retry log ("6 × locator resolved to ..."),
    # whose counts vary from run to run: keep what was expected and what was seen.
    head = message.split("Call log:", 1)[0]
    lines = [line.strip() for line in head.splitlines() if line.strip()]
    keep = [line for line in lines if not line.startswith(("-", "waiting for"))]
    return " ".join(keep[:3]) or "not as expected"
