"""What a flow's header gives a run, rendered in the flow's variables: the origins it may
visit and the outputs its caller receives. Used where a flow starts (a job, a call step)."""

from __future__ import annotations

from typing import Any

from voicewipe.errors import StepFailed, TemplateProblem
from voicewipe.flow.model import Flow
from voicewipe.flow.template import render
from voicewipe.runner.scope import Scope


def outputs_of(flow: Flow, scope: Scope, *, partial: bool = False) -> dict[str, Any]:
    """The flow's outputs. `partial`: leave out those that cannot be worked out yet (a flow
    stopped part-way), instead of failing."""
    values: dict[str, Any] = {}
    for name, spec in flow.outputs.items():
        try:
            value = render(spec.value, scope)
        except TemplateProblem as problem:
            if partial:
                continue
            raise StepFailed(f"output '{name}': {problem}", kind="template") from None
        if not spec.fits(value):
            if partial:
                continue
            raise StepFailed(
                f"output '{name}' is {value!r}, not {spec.said()} ({flow.file}: outputs.{name})",
                kind="template",
            )
        values[name] = value
    return values


def render_origins(flow: Flow, scope: Scope) -> tuple[str, ...]:
    """The flow's origins; one whose template gives a list (an input) adds each of its items."""
    origins: list[str] = []
    try:
        for origin in flow.origins:
            value = render(origin, scope)
            items = value if isinstance(value, list | tuple) else [value]
            origins.extend(str(item) for item in items if item)
    except TemplateProblem as problem:
        raise StepFailed(f"flow '{flow.name}' origins: {problem}", kind="template") from None
    return tuple(origins)
