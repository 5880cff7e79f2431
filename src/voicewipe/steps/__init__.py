"""The registry of step kinds: one small module per kind, all behind StepModel.

Adding a step kind touches its module and the KINDS tuple below, nothing else. The union of all
kinds is built here, with pydantic choosing the model by the one key that names the kind.
"""

from __future__ import annotations

from typing import Annotated, Any, Union

from pydantic import Discriminator, Tag

from voicewipe.flow import model
from voicewipe.steps import (
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

KINDS: tuple[type[model.StepModel], ...] = (
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

REGISTRY: dict[str, type[model.StepModel]] = {kind.KIND: kind for kind in KINDS}
COMMON_FIELDS = frozenset(model.StepModel.model_fields)


def kind_of(value: Any) -> str | None:
    """The step kind a YAML map names: its one key that is a registered kind."""
    if isinstance(value, model.StepModel):
        return str(value.KIND)
    if isinstance(value, dict):
        kinds = [key for key in value if key in REGISTRY]
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
StepList: Any = tuple[AnyStep, ...]

# Containers refer to StepList before it exists; now that it does, finish their models.
_namespace = {"StepList": StepList, "Selector": model.Selector}
for _module in (when, for_each, repeat, retry, request):
    for _value in list(vars(_module).values()):
        if (
            isinstance(_value, type)
            and issubclass(_value, model.Model)
            and _value is not model.Model
        ):
            _value.model_rebuild(_types_namespace=_namespace)
for _kind in KINDS:
    _kind.model_rebuild(_types_namespace=_namespace)
model.Flow.model_rebuild(_types_namespace=_namespace)

__all__ = ["COMMON_FIELDS", "KINDS", "REGISTRY", "AnyStep", "StepList", "kind_of"]
