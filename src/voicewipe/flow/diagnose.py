"""Turning pydantic's validation errors into one located line each, with "did you mean".

Pydantic reports a key path (loc) into the data; we walk it down the YAML tree for the line
and column, print it as `steps[3].click.target`, drop the noise that unions produce (the
errors of the branches whose type does not fit the value), and suggest the nearest valid key
or step kind for misspellings.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterator, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from voicewipe.errors import FlowError
from voicewipe.flow.model import Flow
from voicewipe.flow.steps import COMMON_FIELDS, MODELS, kind_of
from voicewipe.flow.yamlsrc import YamlDoc

_SCALAR_BRANCHES = frozenset({"str", "int", "float", "bool", "none"})
_MAX_ERRORS = 10


def _suggest(word: str, candidates: Sequence[str]) -> str | None:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return close[0] if close else None


def _model_keys(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    """The pydantic models an annotation may hold (through Optional, unions, tuples, dicts)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        yield from _models_in(typing.get_args(annotation)[0])
        return
    if origin in (typing.Union, types.UnionType, tuple, list, dict):
        for arg in typing.get_args(annotation):
            yield from _models_in(arg)


def _allowed_keys(loc: Sequence[str | int]) -> list[str]:
    """The keys valid where `loc` (a path to an unknown key) points, found by walking the types."""
    current: list[type[BaseModel]] = [Flow]
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        following: list[type[BaseModel]] = []
        if len(current) > 1 and part in MODELS and MODELS[part] in current:
            current = [MODELS[part]]  # the union's tag: the step kind chosen
            continue
        for model in current:
            for name, info in model.model_fields.items():
                if part in (name, info.alias):
                    following.extend(_models_in(info.annotation))
            if part == model.__name__:
                following.append(model)
        if not following:
            # A union tag or a branch name: the models stay where they were, or a step kind.
            following = [MODELS[part]] if part in MODELS else current
        current = list(dict.fromkeys(following))
    keys: list[str] = []
    for model in current:
        keys.extend(_model_keys(model))
        if model.__name__ in {kind.__name__ for kind in MODELS.values()}:
            keys.extend(COMMON_FIELDS)
    return list(dict.fromkeys(keys))


def walk(doc: YamlDoc, loc: Sequence[str | int]) -> tuple[list[str | int], list[str | int]]:
    """Split loc into the parts found in the data (the display path) and the parts passed over."""
    found: list[str | int] = []
    skipped: list[str | int] = []
    value = doc.data
    for index, part in enumerate(loc):
        if index and isinstance(loc[index - 1], int) and kind_of(value) == part:
            # The tag pydantic puts after a step's index names its kind, like the step's key
            # does: `steps[0].timeout` is loc (steps, 0, click, timeout), not under `click`.
            skipped.append(part)
            continue
        if (isinstance(value, dict) and part in value) or (
            isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value)
        ):
            value = value[part]  # type: ignore[index]
            found.append(part)
        else:
            skipped.append(part)
    return found, skipped


def _value_at(doc: YamlDoc, path: Sequence[str | int]) -> Any:
    value: Any = doc.data
    for part in path:
        value = value[part]
    return value


def display(path: Sequence[str | int]) -> str:
    """A key path as `steps[3].click.target`; a key that is not a plain word (empty, spaces,
    a line break) is quoted, `inputs['my name']`, so that the message stays one clear line."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not re.fullmatch(r"[\w.-]+", part):
            text += f"[{part!r}]"
        else:
            text += f".{part}" if text else part
    return text or "(top)"


def _wrong_branch(error: ErrorDetails, skipped: list[str | int], value: Any) -> bool:
    """An error from a union member whose type cannot fit the value at all."""
    for part in skipped:
        if not isinstance(part, str):
            continue
        if part in _SCALAR_BRANCHES and isinstance(value, dict | list):
            return True
        is_container_branch = part[:1].isupper() or part.startswith(
            ("tuple[", "list[", "dict[", "function-")
        )
        if (
            is_container_branch
            and not isinstance(value, dict | list)
            and error["type"] != "missing"
        ):
            return True
        if part.startswith(("tuple[", "list[")) and isinstance(value, dict):
            return True
        if part[:1].isupper() and isinstance(value, list):
            return True
        if part.startswith("literal[") and isinstance(value, dict | list):
            return True
    return False


def _step_kind_message(value: Any) -> tuple[str, str | None]:
    """What is wrong with a step whose kind could not be told; and the bad key, if any."""
    kinds = ", ".join(MODELS)
    if not isinstance(value, dict):
        return (
            f"a step is a map naming one step kind, like `- click: ...`; got {_kind_name(value)}",
            None,
        )
    named = [key for key in value if key in MODELS]
    if len(named) > 1:
        return f"a step has exactly one kind; this one has {', '.join(map(repr, named))}", None
    unknown = [key for key in value if key not in COMMON_FIELDS]
    if unknown:
        bad = str(unknown[0])
        close = _suggest(bad, list(MODELS))
        hint = f"did you mean '{close}'?" if close else f"the kinds are: {kinds}"
        return f"unknown step kind; {hint}", bad
    return f"this step has no kind: add one of {kinds}", None


def _kind_name(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f"text {value!r}"
    return {
        list: "a list",
        dict: "a map",
        bool: "true/false",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)


def _message(error: ErrorDetails, value: Any) -> str:
    kind, ctx = error["type"], error.get("ctx", {})
    got = _kind_name(value)
    simple = {
        "string_type": f"expected text, got {got}",
        "int_type": f"expected a whole number, got {got}",
        "int_parsing": f"expected a whole number, got {got}",
        "int_from_float": f"expected a whole number, got {got}",
        "float_type": f"expected a number, got {got}",
        "float_parsing": f"expected a number, got {got}",
        "bool_type": f"expected true or false, got {got}",
        "bool_parsing": f"expected true or false, got {got}",
        "list_type": f"expected a list, got {got}",
        "tuple_type": f"expected a list, got {got}",
        "dict_type": f"expected a map, got {got}",
        "model_type": f"expected a map, got {got}",
        "model_attributes_type": f"expected a map, got {got}",
    }
    if kind in simple:
        return simple[kind]
    if kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        options = [o.strip().strip("'") for o in expected.replace(" or ", ", ").split(",")]
        close = _suggest(str(value), options) if isinstance(value, str) else None
        hint = f"; did you mean '{close}'?" if close else ""
        return f"expected one of {', '.join(options)}, got {got}{hint}"
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        return "must not be empty" if least == 1 else f"needs at least {least} items"
    if kind == "too_long":
        return f"takes at most {ctx.get('max_length')} items"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        if pattern.startswith("^[A-Za-z_]"):
            return f"expected a variable name (letters, digits, _; no digit first), got {got}"
        if pattern.startswith("^[a-z0-9]"):
            return f"expected a lower-case name (a-z, 0-9, '.', '_', '-'), got {got}"
        return f"{got} does not have the expected form ({pattern})"
    if kind in ("greater_than_equal", "greater_than"):
        return f"must be at least {ctx.get('ge', ctx.get('gt'))}, got {value!r}"
    if kind in ("less_than_equal", "less_than"):
        return f"must be at most {ctx.get('le', ctx.get('lt'))}, got {value!r}"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    return str(error["msg"])


def _has_inner_error(loc: list[str | int], details: list[ErrorDetails]) -> bool:
    return any(
        len(other["loc"]) > len(loc) and list(other["loc"][: len(loc)]) == loc for other in details
    )


def diagnose(doc: YamlDoc, error: ValidationError) -> FlowError:
    """One FlowError whose message holds every distinct problem, one per line."""
    lines: list[str] = []
    first_location = None
    seen: set[str] = set()
    details = error.errors(include_url=False)
    for detail in details:
        loc = list(detail["loc"])
        if detail["type"] == "too_short" and _has_inner_error(loc, details):
            continue  # a list whose items failed counts as short: the items' errors say why
        found, skipped = walk(doc, loc)
        value = _value_at(doc, found)
        if detail["type"] == "extra_forbidden" and found:
            # The branch that rejected the key is the map holding it, not the key's value.
            value = _value_at(doc, found[:-1])
        if _wrong_branch(detail, skipped, value):
            continue
        on_key = False
        if detail["type"] == "step_kind":
            message, bad = _step_kind_message(value)
            if bad is not None:
                found, on_key = [*found, bad], True
        elif detail["type"] == "extra_forbidden":
            on_key = True
            bad_key = str(found[-1]) if found else "?"
            close = _suggest(bad_key, _allowed_keys(loc))
            allowed = _allowed_keys(loc)
            message = (
                f"unknown key; did you mean '{close}'?"
                if close
                else f"unknown key; expected one of: {', '.join(allowed)}"
            )
        elif detail["type"] == "missing":
            message = f"missing required key '{loc[-1]}'"
        else:
            message = _message(detail, value)
        location = doc.location(found, key=on_key)
        line = f"{location}: {display(found)}: {message}"
        if line in seen:
            continue
        seen.add(line)
        lines.append(line)
        first_location = first_location or location
    if not lines:  # every error was union noise: show the first as it is
        detail = error.errors(include_url=False)[0]
        found, _ = walk(doc, list(detail["loc"]))
        location = doc.location(found)
        lines.append(f"{location}: {display(found)}: {detail['msg']}")
    shown = lines[:_MAX_ERRORS]
    if len(lines) > _MAX_ERRORS:
        shown.append(f"... and {len(lines) - _MAX_ERRORS} more")
    return FlowError("\n".join(shown))


def first_error(doc: YamlDoc, error: ValidationError) -> FlowError:
    """The first of pydantic's errors in pydantic's words, located: for the small data files
    of a flows folder (marketplaces, languages), which have no step kinds or unions to
    explain."""
    detail = error.errors(include_url=False)[0]
    found, _ = walk(doc, list(detail["loc"]))
    return FlowError(f"{display(found)}: {detail['msg']}", location=doc.location(found))
