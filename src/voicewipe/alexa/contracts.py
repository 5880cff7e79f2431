"""What the commands and the Alexa flows promise each other, checked before anything runs.

A person mends a flow in a copy of flows/alexa/ when Amazon changes a page. The commands pass
each flow some inputs and read some of its outputs by name: that is a contract, like a
function's signature, and a mended copy must keep it. `check_folder` checks a flows folder
against the contracts below before any browser starts (every command does, and `voicewipe
validate DIR`): every flow loads (a misspelt step kind is found here, not after the password
was typed), declares every input the commands pass with the type they pass, needs no input
they do not pass, and has every output they read; every language file has exactly the label
keys the flows use (a label missing would fail after the first destructive click), and the
vocabulary is whole. Each problem is one located line, exit 2.

The commands read a flow's results as the typed classes below (`read`), each value checked
against its type: past this module nothing reads a flow's outputs by a string key.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from voicewipe.alexa import sitefiles
from voicewipe.errors import FlowError, StepFailed
from voicewipe.flow.model import Flow
from voicewipe.flow.yamlsrc import load_yaml

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_R = TypeVar("_R", bound="DataclassInstance")  # a result class below
Kind = Literal["string", "integer", "boolean", "list", "map", "secret", "any"]


@dataclass(frozen=True)
class Contract:
    """One flow's side of the bargain: the inputs the commands pass, with their types (the
    outputs they read, and their types, are the fields of its result class below)."""

    passes: dict[str, Kind]


# What every command passes to every flow that declares it.
ALWAYS: dict[str, Kind] = {"site": "string", "labels": "map", "words": "map"}

CONTRACTS: dict[str, Contract] = {
    "sign-in": Contract(
        passes={
            "signin_origins": "list",
            "email": "string",
            "password": "secret",
            "totp_secret": "secret",
        },
    ),
    "list": Contract(
        passes={
            "history": "string",
            "start_ms": "integer",
            "end_ms": "integer",
            "to": "string",
            "pages": "integer",
        },
    ),
    "audio": Contract(passes={"items": "list", "dir": "string"}),
    "delete": Contract(
        passes={
            "history": "string",
            "period": "string",
            "since": "string",
            "until": "string",
            "start_ms": "integer",
            "end_ms": "integer",
            "device": "string",
            "profile": "string",
            "exported": "map",
            "require_export": "boolean",
            "scope": "string",
        },
    ),
    "auto-delete": Contract(
        passes={
            "keep": "string",
            "deletion_by_voice": "string",
            "improve_alexa": "string",
            "exported": "map",
            "require_export": "boolean",
            "cutoff_ms": "integer",
        },
    ),
    "doctor": Contract(passes={}),
    "capture": Contract(passes={"pages": "list"}),
}

# `labels.confirm_title`, `labels.pages[history]`, `labels.retention[setting]` in a flow
_LABEL = re.compile(r"\blabels((?:\.[A-Za-z_][A-Za-z0-9_-]*)+)")


def check_folder(root: Path, *, every: bool = False) -> None:
    """A flows folder against the contracts: a FlowError with the first problem (one located
    line, and how many more there are), or with every problem a line (`every`, for validate);
    nothing when it keeps them all."""
    # validate has said already what keeps a flow from loading; a command has not.
    problems = list(dict.fromkeys(problems_of(root, loading=not every)))
    if not problems:
        return
    if every:
        raise FlowError("\n".join(problems))
    more = len(problems) - 1
    also = f" (and {more} more: run `voicewipe validate {root}`)" if more else ""
    raise FlowError(problems[0] + also)


def problems_of(root: Path, *, loading: bool = True) -> Iterator[str]:
    """Each problem of the folder, one located line each (`loading`: a flow that does not
    load is one too; else it is passed over)."""
    try:
        sitefiles.vocabulary(root)
        languages = {m.language for m in sitefiles.marketplaces(root).values()}
    except FlowError as error:
        yield str(error)
        return
    used: set[str] = set()
    for name, contract in CONTRACTS.items():
        try:
            flow = sitefiles.flow(root, name)
        except FlowError as error:
            if loading:
                yield str(error)
            continue
        yield from _flow_problems(flow, contract)
    for file in sorted(root.glob("*.yaml")):
        used |= {m[1].lstrip(".") for m in _LABEL.finditer(file.read_text(encoding="utf-8"))}
    yield from _label_problems(root, sorted(languages), used)


def _at(file: str | Path, *path: str | int) -> str:
    """Where a key of a YAML file is, as file:line:column (the file's start if it is not
    there: a key to add)."""
    try:
        doc = load_yaml(Path(file))
    except FlowError:
        return str(file)
    return str(doc.location(list(path), key=True))


def _flow_problems(flow: Flow, contract: Contract) -> Iterator[str]:
    """The flow against its contract. (The loader has checked everything else.)"""
    where = flow.file
    passed = {**{k: v for k, v in ALWAYS.items() if k in flow.inputs}, **contract.passes}
    for name, kind in contract.passes.items():
        spec = flow.inputs.get(name)
        if spec is None:
            yield f"{_at(where, 'inputs')}: inputs needs `{name}` ({kind}): voicewipe passes it"
        elif spec.type != kind:
            at = _at(where, "inputs", name)
            yield f"{at}: inputs.{name} is {spec.type}; voicewipe passes a {kind}"
    for name, spec in flow.inputs.items():
        if spec.required and name not in passed:
            at = _at(where, "inputs", name)
            yield f"{at}: inputs.{name} has no default, and voicewipe does not pass it"
    yield from _output_problems(flow)


def _output_problems(flow: Flow) -> Iterator[str]:
    """Every output the commands read is there, declared of the type they read it as."""
    where = flow.file
    for name, said in reads_of(flow.name).items():
        output = flow.outputs.get(name)
        if output is None:
            yield f"{_at(where, 'outputs')}: outputs needs `{name}` ({said}): voicewipe reads it"
            continue
        if output.type + ("?" if output.nullable else "") != said:
            at = _at(where, "outputs", name)
            nullable = ", nullable: true" if said.endswith("?") else ""
            wanted = f"type: {said.rstrip('?')}{nullable}"
            yield (
                f"{at}: outputs.{name} gives {output.said()}; voicewipe reads "
                f"{said.replace('?', ' or none')} (declare {{value: ..., {wanted}}})"
            )


def _label_problems(root: Path, languages: list[str], used: set[str]) -> Iterator[str]:
    """Each language has every label the flows use, and the same labels as the others."""
    keys: dict[str, set[str]] = {}
    top = {path.split(".")[0] for path in used}
    for tag in languages:
        file = root / "languages" / f"{tag}.yaml"
        try:
            labels = sitefiles.language(root, tag).labels
        except FlowError as error:
            yield str(error)
            continue
        keys[tag] = set(_paths(labels))
        for path in sorted(used):
            if not _has(labels, path):
                yield f"{_at(file, 'labels')}: labels needs `{path}`: a flow uses labels.{path}"
        for name in sorted(set(labels) - top):
            yield f"{_at(file, 'labels', name)}: labels.{name}: no flow uses it (misspelt?)"
    for tag, mine in keys.items():
        file = root / "languages" / f"{tag}.yaml"
        missing = {path for other in keys.values() for path in other - mine}
        for path in sorted(missing - used):  # those the flows use are said above
            having = sorted(t for t, other in keys.items() if path in other)
            yield f"{_at(file, 'labels')}: labels needs `{path}` ({having[0]}.yaml has it)"


def _paths(labels: dict[str, Any], prefix: str = "") -> Iterator[str]:
    for key, value in labels.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _paths(value, f"{path}.")
        else:
            yield path


def _has(labels: Any, path: str) -> bool:
    for part in path.split("."):
        if not isinstance(labels, dict) or part not in labels:
            return False
        labels = labels[part]
    return True


# --- reading a flow's results -----------------------------------------------------------
@dataclass(frozen=True)
class SignedIn:
    signed_in: bool


@dataclass(frozen=True)
class Listed:
    count: int  # what the site listed
    end_ms: int  # where the range ended ("now" when it was listed)
    present: bool  # whether the account has the history (its page and feed are there)
    absent: str  # else why not, in words ("" when present)


@dataclass(frozen=True)
class Deleted:
    count: int  # what the check listed
    checked: list[str]  # the keys it listed
    end_ms: int  # where the range checked and read back ended
    site_deleted: int | None  # what the page said it deleted (None: it did not say)
    remaining: int | None  # what the read-back still listed (None: it never answered)
    left: list[str]  # the keys it still listed
    remaining_said: str  # a few of them, in words


@dataclass(frozen=True)
class Settings:
    before_retention: str | None
    before_deletion_by_voice: bool
    before_improve_alexa: bool
    retention: str | None
    retention_label: str
    deletion_by_voice: bool
    improve_alexa: bool
    changed: list[str]
    would_delete: int  # what the new setting deleted at once (listed from the site)


RESULTS: dict[str, type[Any]] = {
    "sign-in": SignedIn,
    "list": Listed,
    "delete": Deleted,
    "auto-delete": Settings,
}


def read(kind: type[_R], flow: str, outputs: dict[str, Any]) -> _R:
    """The flow's outputs as `kind`, each value checked against its declared type: a mended
    flow whose output gives the wrong thing stops here, named, instead of deeper down."""
    hints = typing.get_type_hints(kind)
    values = {}
    for item in dataclasses.fields(kind):
        value = outputs.get(item.name)
        if not _fits(value, hints[item.name]):
            raise StepFailed(
                f"the {flow} flow's output `{item.name}` is {value!r}, not "
                f"{_kind_of(hints[item.name])} (mend `outputs: {item.name}` in {flow}.yaml)",
                kind="template",
            )
        values[item.name] = value
    return kind(**values)


def partial(flow: str, outputs: dict[str, Any], name: str) -> Any:
    """One output of a flow that stopped part-way (a rehearsal), or None where it has none yet
    or not of its type."""
    hint = typing.get_type_hints(RESULTS[flow])[name]
    value = outputs.get(name)
    return value if value is not None and _fits(value, hint) else None


def _options(hint: Any) -> tuple[Any, ...]:
    """The types a hint allows: `int | None` is (int, NoneType)."""
    union = typing.get_origin(hint) in (types.UnionType, typing.Union)
    return typing.get_args(hint) if union else (hint,)


def _fits(value: Any, hint: Any) -> bool:
    options = (
        typing.get_args(hint)
        if typing.get_origin(hint) in (types.UnionType, typing.Union)
        else (hint,)
    )
    for option in options:
        if option is type(None) and value is None:
            return True
        base = typing.get_origin(option) or option
        if base is int and isinstance(value, bool):
            continue
        if base is not type(None) and isinstance(value, base):
            return True
    return False


def _kind_of(hint: Any) -> str:
    """A result field's type in a contract's words: integer, string?, list..."""
    options = (
        typing.get_args(hint)
        if typing.get_origin(hint) in (types.UnionType, typing.Union)
        else (hint,)
    )
    nullable = type(None) in options
    base = next(o for o in options if o is not type(None))
    base = typing.get_origin(base) or base
    word = {int: "integer", str: "string", bool: "boolean", list: "list", dict: "map"}[base]
    return word + ("?" if nullable else "")


def reads_of(flow: str) -> dict[str, str]:
    """The outputs the commands read from a flow, and their types (from its result class)."""
    kind = RESULTS.get(flow)
    if kind is None:
        return {}
    hints = typing.get_type_hints(kind)
    return {item.name: _kind_of(hints[item.name]) for item in dataclasses.fields(kind)}
