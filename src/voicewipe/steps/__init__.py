"""The engine's registry of step kinds: what each kind of the flow language does.

A kind's model (voicewipe.flow.steps) is data; what it does is a function here, one module
per kind, `async def run(step: <its model>, ctx: StepContext) -> None`, registered below by
model class. The runner finds a step's behaviour here, and nowhere else. Adding a step kind
touches its model module (and the flow's KINDS), its behaviour module and REGISTRY.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from types import MappingProxyType
from typing import Any, TypeVar

from voicewipe.flow import steps as model
from voicewipe.flow.base import StepModel
from voicewipe.runner.context import StepContext
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

# What a kind does, given its step; typed per kind where it is registered (see _kind).
Behaviour = Callable[[Any, StepContext], Awaitable[None]]
S = TypeVar("S", bound=StepModel)


def _kind(
    kind: type[S], run: Callable[[S, StepContext], Awaitable[None]]
) -> tuple[type[StepModel], Behaviour]:
    """One entry of the registry, with the type checker making sure `run` takes `kind`."""
    return kind, run


REGISTRY: Mapping[type[StepModel], Behaviour] = MappingProxyType(
    dict(
        [
            _kind(model.goto.Goto, goto.run),
            _kind(model.click.Click, click.run),
            _kind(model.fill.Fill, fill.run),
            _kind(model.press.Press, press.run),
            _kind(model.select.Select, select.run),
            _kind(model.check.Check, check.run_check),
            _kind(model.check.Uncheck, check.run_uncheck),
            _kind(model.hover.Hover, hover.run),
            _kind(model.scroll.Scroll, scroll.run),
            _kind(model.expect.Expect, expect.run),
            _kind(model.extract.Extract, extract.run),
            _kind(model.request.Request, request.run),
            _kind(model.download.Download, download.run),
            _kind(model.write.Write, write.run),
            _kind(model.set_vars.Set, set_vars.run),
            _kind(model.for_each.ForEach, for_each.run),
            _kind(model.call.Call, call.run),
            _kind(model.when.When, when.run),
            _kind(model.repeat.Repeat, repeat.run),
            _kind(model.retry.Retry, retry.run),
            _kind(model.prompt.Prompt, prompt.run),
            _kind(model.consent.Consent, consent.run),
            _kind(model.pause.Pause, pause.run),
            _kind(model.log.Log, log.run_log),
            _kind(model.log.Fail, log.run_fail),
        ]
    )
)


def behaviour(step: StepModel) -> Behaviour:
    """What this step's kind does."""
    try:
        return REGISTRY[type(step)]
    except KeyError:
        raise TypeError(f"step kind '{step.KIND}' has no behaviour in the registry") from None


__all__ = ["REGISTRY", "Behaviour", "behaviour"]
