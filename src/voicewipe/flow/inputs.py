"""Binding a flow's declared inputs to the values given (from --var, or from a calling flow).

Values from the command line arrive as text and are converted to the declared type; values
from a calling flow arrive typed. An unknown name, a missing required input or a value of the
wrong type is refused with a message that names the flow and the input.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from voicewipe.errors import UsageError
from voicewipe.flow.model import Flow, InputSpec
from voicewipe.secret import Secret

_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


def secret_variable(name: str) -> str:
    """The environment variable a secret input may come from, for scripted runs."""
    return f"VOICEWIPE_SECRET_{name.upper()}"


def _convert(name: str, spec: InputSpec, value: Any) -> Any:
    kind = spec.type
    if kind == "secret":
        if not isinstance(value, Secret):
            raise UsageError(
                f"input '{name}' is a secret and cannot be given as plain text; "
                f"give it in the variable {secret_variable(name)} or run interactively to be asked"
            )
        return value
    if isinstance(value, Secret):
        raise UsageError(f"input '{name}' is not a secret input, so it cannot take a secret")
    text = value if isinstance(value, str) else None
    try:
        if kind == "string":
            return (
                value
                if text is not None
                else json.dumps(value)
                if isinstance(value, list | dict)
                else str(value)
            )
        if kind == "integer":
            if isinstance(value, bool):
                raise ValueError
            return int(value)
        if kind == "number":
            if isinstance(value, bool):
                raise ValueError
            return float(value)
        if kind == "boolean":
            if isinstance(value, bool):
                return value
            if text is not None and text.lower() in _TRUE | _FALSE:
                return text.lower() in _TRUE
            raise ValueError
        if kind == "date":
            return value if isinstance(value, date) else date.fromisoformat(str(value))
        if kind in ("list", "map"):
            parsed = json.loads(text) if text is not None else value
            wanted = list if kind == "list" else dict
            if not isinstance(parsed, wanted):
                raise ValueError
            return parsed
    except (ValueError, TypeError):
        pass
    examples = {
        "integer": "a whole number",
        "number": "a number",
        "boolean": "true or false",
        "date": "a date like 2024-06-03",
        "list": 'a JSON list like ["a", "b"]',
        "map": 'a JSON map like {"a": 1}',
    }
    raise UsageError(f"input '{name}' must be {examples.get(kind, kind)}, not {value!r}")


def bind_inputs(flow: Flow, given: Mapping[str, Any], *, source: str = "--var") -> dict[str, Any]:
    """The flow's input values: given ones converted, defaults for the rest."""
    values: dict[str, Any] = {}
    for name, value in given.items():
        spec = flow.inputs.get(name)
        if spec is None:
            known = ", ".join(flow.inputs) or "none"
            close = difflib.get_close_matches(name, list(flow.inputs), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f" (its inputs: {known})"
            raise UsageError(f"{source}: flow '{flow.name}' has no input '{name}'{hint}")
        try:
            value = _convert(name, spec, value)
        except UsageError as error:
            raise UsageError(f"{source}: {error.message}") from None
        if spec.choices is not None and value not in spec.choices:
            allowed = ", ".join(str(c) for c in spec.choices)
            raise UsageError(f"{source}: input '{name}' must be one of {allowed}, not {value!r}")
        values[name] = value
    for name, spec in flow.inputs.items():
        if name in values:
            continue
        if spec.required:
            how = f"give it with --var {name}=VALUE" if source == "--var" else "pass it in `with`"
            if spec.type == "secret":
                how = (
                    f"it is a secret: set the variable {secret_variable(name)} "
                    "or run interactively to be asked"
                )
            raise UsageError(f"{source}: flow '{flow.name}' needs input '{name}' ({how})")
        values[name] = spec.default
    return values
