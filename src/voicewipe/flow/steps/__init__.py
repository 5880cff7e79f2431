"""The step kinds of the flow language, one model module each, and the union of them all.

A kind is data: a frozen model with its validators and what the loader's checks and the
runner's records ask of it (summary, target, bodies, the variables it defines). What a kind
does lives with the engine, in voicewipe.steps, registered there by model class. Adding a step
kind touches its model module and KINDS below, its behaviour module and the engine's registry.

The union is built here, with pydantic choosing the model by the one key that names the kind,
so that importing the flow model is all a loader needs.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, Any, Union

from pydantic import Discriminator, Tag

from voicewipe.flow.base import Model, Selector, StepModel
from voicewipe.flow.steps import (
    call,
    check,
    click,
    consent,
    download,
    expect,
    extract,
    fill,
    for_each,
    goto,
    hover,
    log,
    pause,
    press,
    prompt,
    repeat,
    request,
    retry,
    scroll,
    select,
    set_vars,
    when,
    write,
)

KINDS: tuple[type[StepModel], ...] = (
    goto.Goto,
    click.Click,
    fill.Fill,
    press.Press,
    select.Select,
    check.Check,
    check.Uncheck,
    hover.Hover,
    scroll.Scroll,
    expect.Expect,
    extract.Extract,
    request.Request,
    download.Download,
    write.Write,
    set_vars.Set,
    for_each.ForEach,
    call.Call,
    when.When,
    repeat.Repeat,
    retry.Retry,
    prompt.Prompt,
    consent.Consent,
    pause.Pause,
    log.Log,
    log.Fail,
)

# The kinds by the key that names them in a flow file.
MODELS: Mapping[str, type[StepModel]] = MappingProxyType({kind.KIND: kind for kind in KINDS})
COMMON_FIELDS = frozenset(StepModel.model_fields)


def kind_of(value: Any) -> str | None:
    """The step kind a YAML map names: its one key that is a registered kind."""
    if isinstance(value, StepModel):
        return str(value.KIND)
    if isinstance(value, dict):
        kinds = [key for key in value if key in MODELS]
        if len(kinds) == 1:
            return str(kinds[0])
    return None


AnyStep: Any = Annotated[
    Union[tuple(Annotated[kind, Tag(kind.KIND)] for kind in KINDS)],  # noqa: UP007
    Discriminator(
        kind_of,
        custom_error_type="step_kind",
        custom_error_message="a step needs exactly one step kind",
    ),
]

if TYPE_CHECKING:
    from voicewipe.flow.base import StepList
else:
    StepList = tuple[AnyStep, ...]


def _complete() -> None:
    """Finish the models that hold steps (when's `then`, a loop's body, each_page, ...): they
    name StepList before the union exists. Every model of a kind's module is completed, the
    models inside a kind before the kind itself, so that a new container needs nothing here."""
    namespace = {"StepList": StepList, "Selector": Selector}
    modules = dict.fromkeys(sys.modules[kind.__module__] for kind in KINDS)
    for module in modules:
        for value in list(vars(module).values()):
            if (
                isinstance(value, type)
                and issubclass(value, Model)
                and value.__module__ == module.__name__
                and not value.__pydantic_complete__
            ):
                value.model_rebuild(_types_namespace=namespace)


_complete()

__all__ = ["COMMON_FIELDS", "KINDS", "MODELS", "AnyStep", "StepList", "kind_of"]
