"""The accounts file: the Amazon accounts a household's voicewipe looks after, each with its
marketplace, what to wipe, the retention to leave, its schedule and where to tell.

It is YAML in the user's config folder (`VOICEWIPE_ACCOUNTS` names another), written by
`voicewipe accounts add|remove` and readable by a person, read with the flows' safe loader into
frozen models: an error a person can make in it is one line with file:line:column. An account
is its e-mail address (in any case, as Amazon takes it) on one marketplace: the same address on
two marketplaces is two accounts. Which marketplaces, histories and settings exist is the flows
folder's to say, so the commands check those at use; the model checks only their form.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import Field, ValidationError, WithJsonSchema, field_validator, model_validator
from pydantic_core import PydanticCustomError

from voicewipe.errors import FlowError
from voicewipe.flow.base import Model

ACCOUNTS_VARIABLE = "VOICEWIPE_ACCOUNTS"
SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "accounts.schema.json"
ALL = "all"
_NAME = r"^[a-z0-9][a-z0-9.-]*$"
# An address Amazon would take: one @, no spaces, a dot in the domain. (Full RFC 5322 is not
# the point: a typo is.)
_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
_TIME = r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$"
# `what: all`, or a list of histories: one word is read as a list of one.
_WHAT = {
    "anyOf": [
        {"type": "string", "pattern": _NAME},
        {"type": "array", "items": {"type": "string", "pattern": _NAME}, "minItems": 1},
    ]
}


class Schedule(Model):
    every: Literal["daily", "weekly"] = Field(description="how often the unattended wipe runs")
    at: str = Field("03:30", pattern=_TIME, description="the time of day, HH:MM (weekly: Mondays)")

    @field_validator("at", mode="before")
    @classmethod
    def _sexagesimal(cls, value: Any) -> Any:
        # YAML 1.1 reads an unquoted 12:30 as the base-60 number 750: that is the time meant.
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
            return f"{value // 60}:{value % 60:02d}"
        return value

    @field_validator("at")
    @classmethod
    def _two_digits(cls, value: str) -> str:
        hour, minute = value.split(":")
        return f"{int(hour):02d}:{minute}"


class Account(Model):
    email: str = Field(pattern=_EMAIL, description="the Amazon account's e-mail address")
    marketplace: str = Field(
        "amazon.com", pattern=_NAME, description="its marketplace (marketplaces.yaml)"
    )
    what: Annotated[tuple[str, ...], WithJsonSchema(_WHAT)] = Field(
        (ALL,),
        min_length=1,
        description="the histories to export and delete (vocabulary.yaml), or all",
    )
    keep: str = Field(
        "3-months",
        pattern=_NAME,
        description="the auto-delete setting to leave (3-months, 18-months, dont-save)",
    )
    schedule: Schedule | None = Field(None, description="when the unattended wipe runs; none")
    notify: tuple[str, ...] = Field(
        (), description="where each run says how it went (--notify URLs)"
    )

    @field_validator("what", mode="before")
    @classmethod
    def _one_word(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value

    @field_validator("what")
    @classmethod
    def _histories(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            if not re.fullmatch(_NAME, name):
                raise ValueError(f"{name!r} is not a history name like voice or smart-home")
        if ALL in value and len(value) > 1:
            raise ValueError("`all` stands alone: give it, or the histories, not both")
        return value

    @field_validator("notify")
    @classmethod
    def _urls(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for url in value:
            if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$", url):
                raise ValueError("a --notify URL is like ntfy://TOPIC or https://hc-ping.com/ID")
        return value

    @property
    def key(self) -> tuple[str, str]:
        """Who the account is: its address (Amazon ignores the case) and marketplace."""
        return self.email.lower(), self.marketplace

    @property
    def every_history(self) -> bool:
        return self.what == (ALL,)


class AccountsFile(Model):
    accounts: tuple[Account, ...] = Field((), description="the accounts, in the order added")

    @field_validator("accounts", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return () if value is None else value

    @model_validator(mode="after")
    def _each_once(self) -> AccountsFile:
        seen: dict[tuple[str, str], int] = {}
        for index, account in enumerate(self.accounts):
            if account.key in seen:
                raise PydanticCustomError(
                    "duplicate_account",
                    "{email} on {marketplace} is given twice (first as account {first}); "
                    "keep one of them",
                    {"email": account.email, "marketplace": account.marketplace,
                     "first": seen[account.key] + 1, "index": index},
                )  # fmt: skip
            seen[account.key] = index
        return self

    def find(self, email: str, marketplace: str) -> Account | None:
        wanted = (email.lower(), marketplace)
        return next((a for a in self.accounts if a.key == wanted), None)

    def add(self, account: Account) -> AccountsFile:
        """With `account` added, or in the place of the one with its address and marketplace."""
        if self.find(account.email, account.marketplace) is None:
            return AccountsFile(accounts=(*self.accounts, account))
        return AccountsFile(
            accounts=tuple(account if a.key == account.key else a for a in self.accounts)
        )

    def remove(self, email: str, marketplace: str | None = None) -> AccountsFile:
        """Without the address's accounts: on `marketplace`, or on every one."""
        return AccountsFile(
            accounts=tuple(
                a
                for a in self.accounts
                if a.key[0] != email.lower() or marketplace not in (None, a.marketplace)
            )
        )


def accounts_path() -> Path:
    """VOICEWIPE_ACCOUNTS, else accounts.yaml in the user's config folder."""
    if chosen := os.environ.get(ACCOUNTS_VARIABLE):
        return Path(chosen)
    import platformdirs

    return Path(platformdirs.user_config_dir("voicewipe", appauthor=False)) / "accounts.yaml"


def unit_slug(email: str, marketplace: str) -> str:
    """A name part for the account's units and cron line: readable, valid in a systemd unit
    name, and never the same for two accounts (the hash is of the address and marketplace)."""
    address = email.lower()
    readable = re.sub(r"[^a-z0-9]+", "-", f"{address} {marketplace}").strip("-")[:60]
    digest = hashlib.sha256(f"{address}|{marketplace}".encode()).hexdigest()[:8]
    return f"{readable.rstrip('-')}-{digest}"


def _blank(text: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


_HINT = "mend the file by hand (`voicewipe accounts list` reads it again)"


def load(path: Path | None = None) -> AccountsFile:
    """The accounts file; none there (or nothing in it) is no accounts, not an error."""
    from voicewipe.flow.diagnose import display, walk
    from voicewipe.flow.yamlsrc import display_path, load_yaml

    path = path or accounts_path()
    try:
        if _blank(path.read_text(encoding="utf-8")):
            return AccountsFile()
    except FileNotFoundError:
        return AccountsFile()
    except (OSError, UnicodeDecodeError):
        pass  # load_yaml says what is wrong with it, in its words
    needs = "it needs `accounts:`"
    try:
        doc = load_yaml(path, needs=needs)
    except FlowError as error:
        error.message = f"{error.message}; {_HINT}"
        raise
    if not isinstance(doc.data, dict):
        raise FlowError(f"{display_path(path)}:1:1: {needs}, a list of accounts; {_HINT}")
    try:
        return AccountsFile.model_validate(doc.data)
    except ValidationError as invalid:
        detail = invalid.errors(include_url=False)[0]
        loc = list(detail["loc"])
        if detail["type"] == "duplicate_account":
            loc = ["accounts", detail.get("ctx", {})["index"]]
        found, _ = walk(doc, loc)
        where = doc.location(found, key=detail["type"] == "extra_forbidden")
        raise FlowError(f"{display(found)}: {said(detail)}; {_HINT}", location=where) from None


def said(detail: Any) -> str:
    """pydantic's words, made plainer where a person will read them."""
    kind, loc = detail["type"], detail["loc"]
    if kind == "extra_forbidden":
        model = Schedule if "schedule" in loc else Account if len(loc) > 2 else AccountsFile
        return f"unknown key {loc[-1]!r}; the keys here are {', '.join(model.model_fields)}"
    if kind == "string_pattern_mismatch":
        like = {"keep": "3-months", "marketplace": "amazon.co.uk"}.get(str(loc[-1]), "voice")
        return {
            "email": "not an e-mail address",
            "at": "not a time like 03:30",
        }.get(str(loc[-1]), f"{detail['input']!r} is not a lower-case name like {like}")
    if kind == "missing":
        return f"missing {loc[-1]!r}"
    if kind == "too_short":
        return "give at least one history, or all"
    return str(detail["msg"]).removeprefix("Value error, ")


def dump(file: AccountsFile) -> str:
    """The file's text: a header a person can read, then the accounts."""
    header = [
        f"# yaml-language-server: $schema={SCHEMA}",
        "# The Amazon accounts voicewipe looks after: `voicewipe accounts add|list|remove`",
        "# writes this file (editing it by hand is fine). Per account: its marketplace, the",
        "# histories to wipe (what), the auto-delete setting to leave (keep), when the unattended",
        "# wipe runs (schedule; `voicewipe schedule --from-accounts --install` installs it) and",
        "# where each run says how it went (notify). Passwords are never here: they are in the",
        "# OS keyring (`voicewipe credentials set --account EMAIL`).",
    ]
    accounts = [_plain(account) for account in file.accounts]
    body = yaml.safe_dump({"accounts": accounts}, sort_keys=False, allow_unicode=True, width=100)
    return "\n".join(header) + "\n" + body


def _plain(account: Account) -> dict[str, Any]:
    data = account.model_dump(mode="json", exclude_none=True)
    data["what"] = ALL if account.every_history else list(account.what)
    if not account.notify:
        del data["notify"]
    return data


def save(file: AccountsFile, path: Path | None = None) -> Path:
    """Write the file whole or not at all, readable by its owner only (it names the accounts
    and may hold notify URLs with their tokens); the path written."""
    from voicewipe.fsutil import write_atomic

    path = path or accounts_path()
    write_atomic(path, dump(file).encode(), mode=0o600)
    return path


def schema() -> dict[str, Any]:
    """The JSON Schema of the file (schemas/accounts.schema.json is this, checked in)."""
    found = AccountsFile.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "voicewipe accounts",
        **found,
    }


__all__ = [
    "ALL",
    "Account",
    "AccountsFile",
    "Schedule",
    "accounts_path",
    "dump",
    "load",
    "said",
    "save",
    "schema",
    "unit_slug",
]
