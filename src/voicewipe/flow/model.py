"""The typed flow model: what a validated flow file becomes.

Pydantic validates the YAML data into frozen objects; past the loader nothing handles raw
dicts. The step kinds live in voicewipe.flow.steps, one module each, and what they share in
voicewipe.flow.base (re-exported here, where the rest of voicewipe has always found it); this
module holds the inputs and the Flow header. Importing it is enough to validate any flow: the
union of every step kind is complete by then, and nothing in it runs a step.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, PrivateAttr, model_validator

from voicewipe.errors import Location
from voicewipe.flow.base import (
    EXPR,
    IDENT,
    MAX_DURATION,
    NAME,
    RAW,
    STRATEGIES,
    Duration,
    Expr,
    Model,
    Pick,
    Raw,
    Selector,
    SelectorMap,
    StepModel,
    TargetArgs,
    VarName,
    describe_selector,
)
from voicewipe.flow.steps import StepList
from voicewipe.flow.steps.call import Call

__all__ = [
    "EXPR",
    "FLOW_NAME",
    "IDENT",
    "MAX_DURATION",
    "NAME",
    "RAW",
    "STRATEGIES",
    "Duration",
    "Expr",
    "Flow",
    "InputSpec",
    "InputType",
    "Model",
    "Pick",
    "Raw",
    "Selector",
    "SelectorMap",
    "StepList",
    "StepModel",
    "TargetArgs",
    "VarName",
    "describe_selector",
]


# --- Inputs and the flow ------------------------------------------------------------------

InputType = Literal["string", "integer", "number", "boolean", "date", "list", "map", "secret"]


class InputSpec(Model):
    type: InputType = "string"
    description: str = ""
    default: Any = Field(None, description="makes the input optional")
    choices: tuple[str | int, ...] | None = Field(None, min_length=1)

    @property
    def required(self) -> bool:
        return "default" not in self.model_fields_set

    @model_validator(mode="after")
    def _secret_has_no_default(self) -> InputSpec:
        if self.type == "secret" and not self.required and self.default is not None:
            raise ValueError(
                "a secret input cannot have a default: secrets never live in a flow file"
            )
        return self


OutputType = Literal["any", "string", "integer", "number", "boolean", "list", "map"]


class OutputSpec(Model):
    """An output: its template, and the type of what it gives (checked when the flow ends;
    `voicewipe validate` checks an Alexa flow's against what the commands read). A plain
    template is an output of any type."""

    value: str = Field(description="a template over the flow's variables")
    type: OutputType = "any"
    nullable: bool = Field(False, description="it may also be none")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"value": value} if isinstance(value, str) else value

    def fits(self, value: Any) -> bool:
        if value is None:
            return self.nullable or self.type == "any"
        kinds: dict[str, tuple[type, ...]] = {
            "any": (object,),
            "string": (str,),
            "integer": (int,),
            "number": (int, float),
            "boolean": (bool,),
            "list": (list, tuple),
            "map": (dict,),
        }
        if isinstance(value, bool) and self.type in ("integer", "number"):
            return False
        return isinstance(value, kinds[self.type])

    def said(self) -> str:
        """The type in words: integer, or `integer or none`."""
        return f"{self.type} or none" if self.nullable else self.type


FLOW_NAME = r"^[a-z0-9][a-z0-9._-]*$"


class Flow(Model):
    """A loaded flow: its header and its steps."""

    name: str = Field(pattern=FLOW_NAME, description="lower-case name, used in run folder names")
    description: str = ""
    origins: tuple[str, ...] = Field(
        (), description="origins the flow may visit (scheme://host[:port], '*.' wildcards)"
    )
    inputs: dict[Annotated[str, Field(pattern=IDENT)], InputSpec] = Field(default_factory=dict)
    outputs: dict[Annotated[str, Field(pattern=IDENT)], OutputSpec] = Field(
        default_factory=dict,
        description="values a caller receives: a template over variables, or {value: "
        "template, type: integer|string|boolean|list|map|number|any, nullable: true}",
    )
    mask: tuple[Selector, ...] = Field(
        (), description="elements hidden in every screenshot (secret inputs)"
    )
    personal: tuple[Selector, ...] = Field(
        (),
        description="elements with personal data (e-mail address, transcripts), hidden in "
        "screenshots when the run is given --mask-personal",
    )
    timeout: Duration = Field(15.0, description="default step timeout")
    steps: StepList = Field(min_length=1)

    _file: str = PrivateAttr(default="<flow>")
    _path: Path | None = PrivateAttr(default=None)
    # The flow each call step runs, by the step's place in this file; the loader fills it.
    _calls: dict[Location, Flow] = PrivateAttr(default_factory=dict)

    @property
    def file(self) -> str:
        return self._file

    @property
    def path(self) -> Path | None:
        """The resolved path the flow was loaded from (None for one built in memory)."""
        return self._path

    def called(self, step: Call) -> Flow:
        """The flow a call step of this flow runs, loaded and checked by the loader."""
        found = self._calls.get(step.location)
        assert found is not None, "the loader resolves every call"
        return found
