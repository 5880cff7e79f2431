"""The Alexa flows and their data files: which flows folder, the marketplaces, the languages,
the vocabulary the commands and flows share.

Everything the site can change lives in YAML under flows/alexa/ (shipped inside the package as
voicewipe/flows/alexa). A person mending a flow for a changed page copies that folder, edits
it, and points voicewipe at the copy with --flows DIR or VOICEWIPE_FLOWS; nothing in Python
needs to change.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import Field, HttpUrl, ValidationError

from voicewipe.errors import FlowError, UsageError
from voicewipe.flow.diagnose import first_error
from voicewipe.flow.model import Flow, Model
from voicewipe.flow.yamlsrc import YamlDoc, load_yaml

FLOWS_VARIABLE = "VOICEWIPE_FLOWS"
PACKAGED = Path(__file__).resolve().parent.parent / "flows" / "alexa"


class Marketplace(Model):
    site: HttpUrl = Field(description="the marketplace's origin")
    signin: tuple[HttpUrl, ...] = Field(description="origins a sign-in may pass through")
    language: str = Field(
        pattern=r"^[A-Za-z0-9-]+$", description="the labels file under languages/ (en-US)"
    )


class Marketplaces(Model):
    marketplaces: dict[str, Marketplace] = Field(min_length=1)


class Language(Model):
    language: str
    labels: dict[str, Any]


class HistoryWords(Model):
    page: str = Field(
        pattern=r"^[a-z0-9-]+$", description="the page's path under /alexa-privacy/apd/"
    )
    page_type: str = Field(description="what the page's JSON calls this history (pageType)")
    audio: bool = Field(description="whether its records have audio to export")
    feed: str = Field(
        "rvh",
        pattern=r"^[a-z0-9-]+$",
        description="the JSON feed listing it: rvh (customer-history-records-v2) or rah "
        "(alexa-history-records-v2, the Alexa+ history); records.yaml knows each",
    )


class RetentionWords(Model):
    setting: str = Field(description="the option's value on Manage Your Alexa Data")
    keep_days: int | None = Field(
        None, ge=0, description="how old a recording may be under it; none: it deletes none"
    )
    option: str | None = Field(None, description="the word `voicewipe auto-delete` takes")


class Vocabulary(Model):
    """vocabulary.yaml: the Alexa words the commands and the flows share."""

    histories: dict[str, HistoryWords] = Field(min_length=1)
    periods: dict[str, str] = Field(description="all / range: the date filter's options")
    retention: dict[str, RetentionWords] = Field(min_length=1)

    def option_words(self) -> dict[str, str]:
        """The words `voicewipe auto-delete` takes, and the setting each names."""
        return {words.option or name: name for name, words in self.retention.items()}


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


def _read(path: Path, needs: str) -> YamlDoc:
    """The file, read as safely as a flow is (no objects, limits on nesting and aliases)."""
    if not path.exists():
        raise FlowError(f"{path}: missing from the flows folder")
    return load_yaml(path, needs=needs)


_M = TypeVar("_M", bound=Model)


def _validated(kind: type[_M], path: Path, needs: str) -> _M:
    doc = _read(path, needs)
    try:
        return kind.model_validate(doc.data)
    except ValidationError as error:
        raise first_error(doc, error) from None


def vocabulary(root: Path) -> Vocabulary:
    """The vocabulary of a flows folder (read each time: a command reads it once)."""
    return _validated(
        Vocabulary, root / "vocabulary.yaml", "it needs `histories:`, `periods:`, `retention:`"
    )


# The files of a flows folder are parsed once while they stay as they are: each is cached under
# its path and a digest of its bytes, so a file mended while the process runs (a test, a
# long-lived caller) is parsed again, and nothing has to be told to forget.
def _stamp(path: Path) -> bytes | None:
    try:
        return hashlib.sha256(path.read_bytes()).digest()
    except OSError:
        return None  # missing or unreadable: the reading says so


def marketplaces_file(root: Path) -> Marketplaces:
    path = root / "marketplaces.yaml"
    return _marketplaces_file(path, _stamp(path))


@lru_cache(maxsize=32)
def _marketplaces_file(path: Path, stamp: bytes | None) -> Marketplaces:
    return _validated(Marketplaces, path, "it needs `marketplaces:`")


def marketplaces(root: Path) -> dict[str, Marketplace]:
    return marketplaces_file(root).marketplaces


def marketplace(root: Path, name: str) -> Marketplace:
    known = marketplaces(root)
    if name not in known:
        raise UsageError(f"--marketplace: unknown marketplace {name!r}; one of {', '.join(known)}")
    return known[name]


def language(root: Path, tag: str) -> Language:
    path = root / "languages" / f"{tag}.yaml"
    return _language(root, tag, _stamp(path))


@lru_cache(maxsize=64)
def _language(root: Path, tag: str, stamp: bytes | None) -> Language:
    found = _validated(
        Language, root / "languages" / f"{tag}.yaml", "it needs `language:` and `labels:`"
    )
    if found.language != tag:
        raise FlowError(f"{root / 'languages' / tag}.yaml: says language {found.language!r}")
    return found


def flow(root: Path, name: str) -> Flow:
    """One of the Alexa flows (sign-in, list, audio, delete, auto-delete), loaded and checked."""
    path = root / f"{name}.yaml"
    return _flow(path, _stamp(path))


@lru_cache(maxsize=64)
def _flow(path: Path, stamp: bytes | None) -> Flow:
    from voicewipe.flow.loader import load_flow

    return load_flow(path)


def chosen(root: Path, option: str, value: str, known: Iterable[str]) -> str:
    """A command's choice checked against the flows folder's vocabulary: one line naming the
    choices there are otherwise."""
    names = list(known)
    if value not in names:
        raise UsageError(
            f"{option}: {value!r} is not one of {', '.join(names)} ({root / 'vocabulary.yaml'})"
        )
    return value
