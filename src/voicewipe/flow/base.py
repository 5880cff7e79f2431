"""What every part of the flow model shares: the frozen base model, the field markers,
durations, selectors and the base of every step kind.

The step kinds (voicewipe.flow.steps, one module each) build on this module, and the Flow
header (voicewipe.flow.model) on them; none of it runs anything: what a step does lives with
the engine (voicewipe.steps).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    WithJsonSchema,
    model_validator,
)

from voicewipe.errors import Location


class Model(BaseModel):
    """Frozen, and strict about unknown keys: a misspelt key is an error, never ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# --- Field markers ------------------------------------------------------------------------
# Every string in a step is a template unless marked otherwise. The markers tell the loader's
# static check (unknown variables) and the runner how to treat a field.


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


EXPR = _Marker("expression")  # a bare expression, without {{ }}
NAME = _Marker("name")  # a variable name that a step defines
RAW = _Marker("raw")  # plain text, not a template

IDENT = r"^[A-Za-z_][A-Za-z0-9_]*$"
Expr = Annotated[str, EXPR, Field(min_length=1)]
VarName = Annotated[str, NAME, Field(pattern=IDENT)]
Raw = Annotated[str, RAW]


# The browser's timers take at most 2**31 - 1 ms (24.8 days); beyond that Playwright's waits
# end at once instead of never, and an infinite one is not even sent. No wait needs a day.
MAX_DURATION = 86400


def _parse_duration(value: Any) -> Any:
    """Seconds: a number, or text with a unit: 500ms, 10s, 2m."""
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*", value)
        if not match:
            raise ValueError(
                "expected a duration: a number of seconds or text like 500ms, 10s, 2m; "
                f"got text {value!r}"
            )
        number, unit = float(match[1]), match[2] or "s"
        value = number * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[unit]
    if isinstance(value, int | float) and not isinstance(value, bool) and value > MAX_DURATION:
        raise ValueError(f"a duration is at most a day ({MAX_DURATION} seconds); got {value:g} s")
    return value


Duration = Annotated[
    float,
    BeforeValidator(_parse_duration),
    Field(ge=0),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": MAX_DURATION},
                {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*(ms|s|m|h)?\s*$"},
            ],
            "description": "seconds, or text with a unit: 500ms, 10s, 2m; at most a day",
        }
    ),
]


# --- Selectors ----------------------------------------------------------------------------

STRATEGIES = ("text", "role", "label", "placeholder", "test_id", "css", "xpath", "any_of")
Pick = Literal["one", "first", "last", "all"]


class SelectorMap(Model):
    """How to find an element. Exactly one strategy; `any_of` tries alternatives in order."""

    text: str | None = Field(None, description="visible text (substring unless exact)")
    role: str | None = Field(None, description="ARIA role, with an optional accessible name")
    name: str | None = Field(None, description="the accessible name, with role")
    exact: bool = Field(
        False, description="with text, role+name, label or placeholder: match whole"
    )
    label: str | None = Field(None, description="a form control by its label text")
    placeholder: str | None = None
    test_id: str | None = Field(None, description="the data-testid attribute")
    css: str | None = None
    xpath: str | None = None
    any_of: tuple[Selector, ...] | None = Field(
        None, min_length=1, description="ordered fallbacks; the first that matches wins"
    )
    within: Selector | None = Field(None, description="look only inside this element")
    has_text: str | None = Field(None, description="keep only elements containing this text")
    visible: bool | None = Field(None, description="keep only visible (or hidden) elements")
    pick: Pick = Field(
        "one", description="when several match: first, last, all; 'one' makes several an error"
    )
    nth: int | None = Field(None, ge=0, description="when several match: the n-th, from 0")

    @model_validator(mode="after")
    def _one_strategy(self) -> SelectorMap:
        chosen = [name for name in STRATEGIES if getattr(self, name) is not None]
        if len(chosen) != 1:
            found = ", ".join(chosen) if chosen else "none"
            raise ValueError(
                f"a selector takes exactly one of {', '.join(STRATEGIES)} (found: {found})"
            )
        if self.name is not None and self.role is None:
            raise ValueError("'name' goes with 'role'")
        if self.nth is not None and self.pick != "one":
            raise ValueError("give either pick or nth, not both")
        return self


Selector = Annotated[
    str | SelectorMap,
    Field(description="visible text, or a map with one strategy (css, role+name, label, ...)"),
]


def describe_selector(selector: Selector) -> str:
    """A short human description, as used in messages and run.json."""
    if isinstance(selector, str):
        return f"text {selector!r}"
    if selector.any_of is not None:
        return "any of [" + "; ".join(describe_selector(s) for s in selector.any_of) + "]"
    for strategy in STRATEGIES:
        value = getattr(selector, strategy)
        if value is not None:
            text = f"{strategy} {value!r}"
            if selector.name is not None:
                text += f" name {selector.name!r}"
            if selector.has_text is not None:
                text += f" with text {selector.has_text!r}"
            if selector.within is not None:
                text = f"{text} within {describe_selector(selector.within)}"
            return text
    return "?"


# --- Steps --------------------------------------------------------------------------------


class StepModel(Model):
    """What every step kind shares. A kind subclasses it with one field named after the kind."""

    KIND: ClassVar[str]
    # Whether the step acts on the page. Steps that don't (request, set, ...) may run
    # concurrently in for_each, and reuse the previous screenshot instead of taking one.
    TOUCHES_PAGE: ClassVar[bool] = True

    label: str | None = Field(None, description="a short name for the step, used in file names")
    optional: bool = Field(False, description="a failure is logged and the run goes on")
    timeout: Duration | None = Field(None, description="how long to wait (default: the flow's)")
    destructive: bool = Field(
        False, description="acts only with --yes; otherwise the run is a rehearsal and stops here"
    )
    screenshot: bool = Field(True, description="leave a screenshot of the page after the step")
    quiet: bool = Field(
        False,
        description="not listed on the terminal when it succeeds (a step run for each of "
        "thousands of items); still in run.json and the log file",
    )
    # Which screenshots prove what a run did is the flow's word, not the report's guess.
    proof: Annotated[Raw, Field(min_length=1, max_length=80)] | None = Field(
        None,
        description="what this step's screenshot proves, shown with its phase in report.html: "
        "history-before, confirm-dialog, history-after, setting-saved, signed-in, or a short "
        "caption; the step always keeps its screenshot",
    )

    _location: Location = PrivateAttr(default=Location("<flow>", 0, 0))

    @property
    def location(self) -> Location:
        return self._location

    def touches_page(self) -> bool:
        return self.TOUCHES_PAGE

    def shares_scope(self) -> bool:
        """Whether the bodies' variables stay visible after the step (when, repeat, retry)."""
        return True

    def title(self) -> str:
        """The step's label, or a short description of what it does."""
        return self.label or self.summary()

    def summary(self) -> str:
        return self.KIND

    def target(self) -> Selector | None:
        """The element the step acts on, if any: what a rehearsal highlights."""
        return None

    def bodies(self) -> dict[str, tuple[StepModel, ...]]:
        """Nested step lists (for containers), by field path."""
        return {}

    def defines(self) -> set[str]:
        """Variables this step sets for the steps after it."""
        return set()

    def body_scope(self) -> set[str]:
        """Variables visible only inside this step's bodies (a loop's item, say)."""
        return set()

    def own_scope(self) -> set[str]:
        """Variables visible only in this step's own fields (write's `each` item, say)."""
        return set()


class TargetArgs(Model):
    """`click: <selector>` or, with options, `click: {target: <selector>, ...}`."""

    target: Selector

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if isinstance(value, str) or (isinstance(value, dict) and "target" not in value):
            return {"target": value}
        return value


if TYPE_CHECKING:
    # For the type checker, a body of steps is a tuple of steps; at run time the name stays
    # unknown here, and voicewipe.flow.steps completes the containers with the union of every
    # kind once they all exist.
    StepList = tuple[StepModel, ...]
