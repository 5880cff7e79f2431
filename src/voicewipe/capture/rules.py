"""The scrubber's rules: which values in a capture are personal and of what kind, and which
are kept (flows/alexa/scrub.yaml, validated here into frozen objects).

Field names, selectors and header names are what the site can change, so they live in the
flows folder with the flows: a person whose capture is refused for a field the site added
mends scrub.yaml (or its copy under --flows), and `voicewipe validate` checks the mended file.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal, get_args

import soupsieve
from pydantic import Field, ValidationError, field_validator, model_validator

from voicewipe.errors import FlowError
from voicewipe.flow.diagnose import first_error
from voicewipe.flow.model import Model
from voicewipe.flow.yamlsrc import display_path, load_yaml

Kind = Literal[
    "record-key",
    "utterance-id",
    "text",
    "reply",
    "customer-id",
    "person-id",
    "name",
    "device-name",
    "device-id",
    "device-serial",
    "token",
    "csrf",
    "email",
    "request-id",
    "cookie",
]
SAFE = "safe"
FILE = "scrub.yaml"


class SiblingRule(Model):
    """A field whose kind depends on a field beside it (transcriptText: a reply when its
    item's recordItemType says the words were Alexa's)."""

    field: str
    sibling: str
    values: tuple[str, ...] = Field(min_length=1)
    kind: Kind


class JsonRules(Model):
    fields: dict[str, Kind] = Field(description="field name (anywhere in a body) -> kind")
    by_sibling: tuple[SiblingRule, ...] = Field((), description="kinds told by a sibling")
    safe: tuple[str, ...] = Field((), description="fields whose strings are kept")
    safe_trees: tuple[str, ...] = Field(
        (), description="fields whose whole value is kept (the page's own wording)"
    )


class HtmlRule(Model):
    """Elements of a page holding a personal value: an attribute's value or the text."""

    select: str = Field(description="a CSS selector")
    attr: str | None = Field(None, description="the attribute; none: the element's text")
    kind: Kind | None = Field(None, description="what the value is")
    is_json: bool = Field(
        False, alias="json", description="the value is JSON, read by the json rules"
    )
    pattern: str | None = Field(None, description="a regular expression; group 1: the value")

    @field_validator("select")
    @classmethod
    def _selector(cls, value: str) -> str:
        try:
            soupsieve.compile(value)
        except soupsieve.SelectorSyntaxError as error:
            raise ValueError(f"not a CSS selector: {error.args[0]}") from None
        return value

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                if re.compile(value).groups < 1:
                    raise ValueError("the pattern needs a group: (...) around the value")
            except re.error as error:
                raise ValueError(f"not a regular expression: {error}") from None
        return value

    @model_validator(mode="after")
    def _one(self) -> HtmlRule:
        if (self.kind is None) == (not self.is_json):
            raise ValueError("give either `kind:` or `json: true`")
        return self


class HeaderRules(Model):
    keep: tuple[str, ...] = Field(description="headers kept as they are (lower case)")
    tokens: dict[str, Kind] = Field({}, description="headers kept with their value faked")

    @field_validator("keep")
    @classmethod
    def _never(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        banned = sorted({"cookie", "set-cookie", "authorization"} & {v.lower() for v in value})
        if banned:
            raise ValueError(f"{', '.join(banned)} is never kept: cookies are never written")
        return tuple(v.lower() for v in value)


class IdRules(Model):
    keep: tuple[str, ...] = Field(
        (), description="the parts of ids kept as they are (amzn1, actor, conversation)"
    )


class StaticRules(Model):
    """What is the site's own and the same for everyone: checked for secrets, not scrubbed."""

    resources: tuple[str, ...] = ("script", "stylesheet", "font", "image")
    types: tuple[str, ...] = ("text/css", "application/javascript", "text/javascript", "font/")


class AudioRules(Model):
    types: tuple[str, ...] = Field(("audio/",), description="mime prefixes silenced")


class ReplayRules(Model):
    """What replay (capture/match.py) matches loosely."""

    times: tuple[str, ...] = Field((), description="query parameters and JSON fields in ms")
    ignore: tuple[str, ...] = Field((), description="names matched whatever their value")


class ScrubRules(Model):
    json_rules: JsonRules = Field(alias="json")
    html: tuple[HtmlRule, ...] = ()
    headers: HeaderRules
    params: dict[str, str] = Field(description="query and form parameter -> kind, or safe")
    text_bodies: dict[str, Kind] = Field(
        {}, description="path -> kind of a text/plain body that is one value"
    )
    ids: IdRules = IdRules()
    static: StaticRules = StaticRules()
    audio: AudioRules = AudioRules()
    replay: ReplayRules = ReplayRules()
    file: str = Field("", description="set by the loader: where the rules came from")
    digest: str = Field("", description="set by the loader: SHA-256 of the file")

    @field_validator("params")
    @classmethod
    def _kinds(cls, value: dict[str, str]) -> dict[str, str]:
        known = (*get_args(Kind), SAFE)
        for name, kind in value.items():
            if kind not in known:
                raise ValueError(f"{name}: {kind!r} is not one of {', '.join(known)}")
        return value


def load_rules(root: Path) -> ScrubRules:
    """The scrub rules of a flows folder (root: flows/alexa or a mended copy); FlowError, one
    located line, when they are not valid."""
    path = root / FILE
    return _rules(path, _stamp(path))


# Parsed once while the file stays as it is, as the flows folder's other files are
# (alexa/sitefiles.py): cached under its path and a digest of its bytes.
def _stamp(path: Path) -> bytes | None:
    try:
        return hashlib.sha256(path.read_bytes()).digest()
    except OSError:
        return None  # missing or unreadable: the reading says so


@lru_cache(maxsize=8)
def _rules(path: Path, stamp: bytes | None) -> ScrubRules:
    if not path.exists():
        raise FlowError(f"{display_path(path)}: missing from the flows folder")
    doc = load_yaml(path, needs="it needs `json:`, `headers:`, `params:` (and `html:`, `replay:`)")
    try:
        rules = ScrubRules.model_validate(doc.data)
    except ValidationError as error:
        raise first_error(doc, error) from None
    return rules.model_copy(update={"file": display_path(path), "digest": (stamp or b"").hex()})
