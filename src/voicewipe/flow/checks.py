"""Checks a loaded flow before anything runs: every variable a template reads is defined.

The steps are walked in order, as they will run: inputs and the built-in `run` are known from
the start; each step adds the variables it sets (extract into, request into, set ...); a loop's
item is known inside its body only. A name read before it can have been set is an error with
its line and column, and the nearest known name as a suggestion.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from voicewipe.errors import FlowError
from voicewipe.flow import template
from voicewipe.flow.model import EXPR, NAME, RAW, Flow, StepModel
from voicewipe.flow.yamlsrc import YamlDoc

BUILTINS = frozenset({"run"})

Path = tuple[str | int, ...]


def _strings(value: Any, path: Path, *, root: bool = True) -> Iterator[tuple[Path, str, bool]]:
    """Every template string in a model (path, text, is_expression), leaving out nested steps."""
    if isinstance(value, StepModel) and not root:
        return
    if isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            markers = set(map(id, info.metadata))
            if id(NAME) in markers or id(RAW) in markers:
                continue
            key = info.alias or name
            child = getattr(value, name)
            if id(EXPR) in markers and isinstance(child, str):
                yield (*path, key), child, True
            else:
                yield from _strings(child, (*path, key), root=False)
    elif isinstance(value, str):
        if template.is_template(value):
            yield path, value, False
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from _strings(child, (*path, key), root=False)
    elif isinstance(value, list | tuple):
        for index, child in enumerate(value):
            if not isinstance(child, StepModel):
                yield from _strings(child, (*path, index), root=False)


def _check_text(doc: YamlDoc, path: Path, text: str, is_expr: bool, known: set[str]) -> None:
    try:
        used = template.names_used(text, expression=is_expr)
    except template.TemplateProblem as problem:
        raise FlowError(f"{_display(path)}: {problem}", location=doc.location(path)) from None
    for name in sorted(used - known):
        close = difflib.get_close_matches(name, sorted(known), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise FlowError(
            f"{_display(path)}: unknown variable '{name}'{hint} (not an input, and no step before "
            "this one sets it)",
            location=doc.location(path),
        )


def _display(path: Path) -> str:
    from voicewipe.flow.diagnose import display

    return display(path)


def check_steps(
    doc: YamlDoc, steps: tuple[StepModel, ...], path: Path, known: set[str]
) -> set[str]:
    """Check steps in order; returns the names known after them."""
    known = set(known)
    for index, step in enumerate(steps):
        here = (*path, index)
        for sub_path, text, is_expr in _strings(step, here):
            _check_text(doc, sub_path, text, is_expr, known | step.defines() | step.own_scope())
        inner = known | step.body_scope()
        added: set[str] = set()
        for body_path, body in step.bodies().items():
            body_here = (*here, *body_path.split("."))
            added |= check_steps(doc, body, body_here, inner) - inner
        if step.shares_scope():
            known |= added
        known |= step.defines()
    return known


def check_flow(doc: YamlDoc, flow: Flow) -> None:
    inputs = set(flow.inputs) | BUILTINS
    for index, origin in enumerate(flow.origins):
        _check_text(doc, ("origins", index), origin, False, inputs)
    for sub_path, text, is_expr in _strings(flow.mask, ("mask",)):
        _check_text(doc, sub_path, text, is_expr, inputs)
    known = check_steps(doc, flow.steps, ("steps",), inputs)
    for name, spec in flow.outputs.items():
        _check_text(doc, ("outputs", name), spec.value, False, known)
    check_secrets(doc, flow)


def check_secrets(doc: YamlDoc, flow: Flow) -> None:
    """A secret input (a password, an authenticator key) may only be the value of a fill step
    (or be passed on to another flow, or set into a variable that is): anywhere else it would
    be typed into the wrong place, shown on a page or written to a file. The runner refuses
    that when it happens; this says so before anything runs."""
    secrets = {name for name, spec in flow.inputs.items() if spec.type == "secret"}
    if not secrets:
        return
    _secret_steps(doc, flow.steps, ("steps",), set(secrets))
    for name, spec in flow.outputs.items():
        _no_secret(doc, ("outputs", name), spec.value, secrets, "an output")


def _secret_steps(
    doc: YamlDoc, steps: tuple[StepModel, ...], path: Path, secrets: set[str]
) -> None:
    for index, step in enumerate(steps):
        here = (*path, index)
        for sub_path, text, is_expr in _strings(step, here):
            if is_expr:
                continue  # a condition can ask whether a secret is there, never show it
            used = _names(doc, sub_path, text) & secrets
            if not used:
                continue
            if step.KIND == "set":
                secrets |= step.defines()  # what is set from a secret is one
            elif not ((step.KIND == "fill" and sub_path[-1] == "value") or
                      (step.KIND == "call" and "with" in sub_path)):  # fmt: skip
                _no_secret(doc, sub_path, text, used, f"a {step.KIND} step")
        for body_path, body in step.bodies().items():
            _secret_steps(doc, body, (*here, *body_path.split(".")), set(secrets))


def _names(doc: YamlDoc, path: Path, text: str) -> set[str]:
    try:
        return template.names_used(text)
    except template.TemplateProblem as problem:
        raise FlowError(f"{_display(path)}: {problem}", location=doc.location(path)) from None


def _no_secret(doc: YamlDoc, path: Path, text: str, secrets: set[str], where: str) -> None:
    used = sorted(_names(doc, path, text) & secrets)
    if used:
        raise FlowError(
            f"{_display(path)}: secret '{used[0]}' would go into {where}; a secret can only "
            "be the value of a fill step (or passed to another flow with call)",
            location=doc.location(path),
        )
