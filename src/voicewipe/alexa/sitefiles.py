"""The Alexa flows and their data files: which flows folder, the marketplaces, the languages.

Everything the site can change lives in YAML under flows/alexa/ (shipped inside the package as
voicewipe/flows/alexa). A person mending a flow for a changed page copies that folder, edits
it, and points voicewipe at the copy with --flows DIR or VOICEWIPE_FLOWS; nothing in Python
needs to change.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import Field, HttpUrl, ValidationError

from voicewipe.errors import FlowError, Location, UsageError
from voicewipe.flow.model import Flow, Model

FLOWS_VARIABLE = "VOICEWIPE_FLOWS"
PACKAGED = Path(__file__).resolve().parent.parent / "flows" / "alexa"


class Marketplace(Model):
    site: HttpUrl = Field(description="the marketplace's origin")
    signin: tuple[HttpUrl, ...] = Field(description="origins a sign-in may pass through")
    language: str = Field(description="the labels file under languages/")


class Marketplaces(Model):
    marketplaces: dict[str, Marketplace] = Field(min_length=1)


class Language(Model):
    language: str
    labels: dict[str, Any]


def flows_dir(explicit: Path | None = None) -> Path:
    """--flows, then VOICEWIPE_FLOWS, then the flows shipped with voicewipe."""
    chosen = explicit or (Path(v) if (v := os.environ.get(FLOWS_VARIABLE)) else None)
    if chosen is None:
        return PACKAGED
    if not (chosen / "marketplaces.yaml").is_file():
        source = "--flows" if explicit else FLOWS_VARIABLE
        raise UsageError(
            f"{source}: {chosen} is not a flows folder (it has no marketplaces.yaml); "
            f"copy {PACKAGED} and edit the copy"
        )
    return chosen


def _read(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError:
        raise FlowError(f"{path}: missing from the flows folder") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = Location(str(path), mark.line + 1, mark.column + 1) if mark else None
        raise FlowError(f"{path}: not valid YAML ({error})", location=where) from None


_M = TypeVar("_M", bound=Model)


def _validated(kind: type[_M], path: Path) -> _M:
    try:
        return kind.model_validate(_read(path))
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top)"
        raise FlowError(f"{path}: {where}: {first['msg']}") from None


@cache
def marketplaces(root: Path) -> dict[str, Marketplace]:
    return _validated(Marketplaces, root / "marketplaces.yaml").marketplaces


def marketplace(root: Path, name: str) -> Marketplace:
    known = marketplaces(root)
    if name not in known:
        raise UsageError(f"--marketplace: unknown marketplace {name!r}; one of {', '.join(known)}")
    return known[name]


@cache
def language(root: Path, tag: str) -> Language:
    found = _validated(Language, root / "languages" / f"{tag}.yaml")
    if found.language != tag:
        raise FlowError(f"{root / 'languages' / tag}.yaml: says language {found.language!r}")
    return found


@cache
def flow(root: Path, name: str) -> Flow:
    """One of the Alexa flows (sign-in, list, audio, delete, auto-delete), loaded and checked."""
    from voicewipe.flow.loader import load_flow

    return load_flow(root / f"{name}.yaml")
