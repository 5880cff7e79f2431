"""expect: wait until the page shows what it should: an element's state, text, value or
count, or the page's address or title."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from voicewipe.flow.base import Model, Selector, StepModel, describe_selector

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
