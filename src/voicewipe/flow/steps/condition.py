"""Conditions for when and repeat: an element visible, the page's address, or an expression."""

from __future__ import annotations

from pydantic import Field, model_validator

from voicewipe.flow.base import Duration, Expr, Model, Selector, describe_selector


class Condition(Model):
    visible: Selector | None = Field(
        None, description="true when an element matching this is visible"
    )
    hidden: Selector | None = Field(
        None, description="true when no element matching this is visible"
    )
    url: str | None = Field(None, description="true when the page's address contains this")
    url_matches: str | None = Field(
        None, description="true when the address matches this regular expression"
    )
    expr: Expr | None = Field(
        None, description="an expression over variables: `records | length > 0`"
    )
    wait: Duration = Field(0, description="how long to wait for the condition to become true")

    @model_validator(mode="after")
    def _exactly_one(self) -> Condition:
        given = [
            k
            for k in ("visible", "hidden", "url", "url_matches", "expr")
            if getattr(self, k) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "a condition takes exactly one of visible, hidden, url, url_matches, expr"
            )
        return self

    def describe(self) -> str:
        if self.visible is not None:
            return f"{describe_selector(self.visible)} is visible"
        if self.hidden is not None:
            return f"{describe_selector(self.hidden)} is hidden"
        if self.url is not None:
            return f"the address contains {self.url!r}"
        if self.url_matches is not None:
            return f"the address matches {self.url_matches!r}"
        return f"{self.expr}"
