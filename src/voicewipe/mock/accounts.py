"""Several accounts on one mock site (`accounts=N`): one single-account Site and app each, and a
thin ASGI router in front that sends every request to its account's app.

A browser context signs in as one account, so a cookie can keep the accounts apart: the router
sets `mock-account=<k>` when a sign-in form posts an `email` (the e-mail step and the password
step both carry it), and a request without the cookie goes to account 1 (as does a sign-in
with an address no account has, whose app then says so). The sites themselves stay what they
are with one account: nothing in them knows about the others.

The control API (/__mock__/) picks an account by `?account=EMAIL` or a JSON field `account`
(default account 1); reset resets them all, so the router answers it itself, and state and
config, which it adds the accounts to.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import cookie_parser
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from voicewipe.mock import control
from voicewipe.mock.app import build_app
from voicewipe.mock.config import MockConfig
from voicewipe.mock.site import Site

ACCOUNT_COOKIE = "mock-account"
# The sign-in posts that may name the account (the e-mail step on either page, and every
# later step posted to /ap/signin, whose password page carries the e-mail as a hidden field).
SIGN_IN_POSTS = frozenset({"/ap/signin", "/ax/claim"})
_MAX_BODY = 64_000  # as web.form_of reads a form: a bigger body names no account


def site_configs(config: MockConfig) -> list[MockConfig]:
    """Each account's own single-account configuration: its e-mail, its seed."""
    if config.accounts == 1:
        return [config]
    return [
        config.replace(email=email, seed=config.seed + k, accounts=1)
        for k, email in enumerate(config.account_emails)
    ]


def index_of(sites: list[Site], email: str) -> int:
    """The position of the account with `email` (any case); ValueError when none has it."""
    wanted = email.strip().lower()
    for k, site in enumerate(sites):
        if site.config.email.lower() == wanted:
            return k
    emails = ", ".join(site.config.email for site in sites)
    raise ValueError(f"no account {email!r} (the accounts: {emails})")


class AccountRouter:
    """The ASGI app of a multi-account site. `sites` is the MockSite's own list, which its
    reset resizes; sync() then keeps one app per site."""

    def __init__(self, sites: list[Site], reset: Callable[..., object]) -> None:
        self.sites = sites
        self.apps: list[ASGIApp] = []
        self._reset = reset
        self.sync()

    def sync(self) -> None:
        # The first sites are reset in place, so their apps stay; only new ones need one.
        del self.apps[len(self.sites) :]
        self.apps.extend(build_app(site) for site in self.sites[len(self.apps) :])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.apps[0](scope, receive, send)
            return
        path: str = scope["path"]
        if path.startswith(control.PREFIX + "/"):
            await self._control(scope, receive, send)
            return
        index = self._by_cookie(scope)
        if scope["method"] == "POST" and path in SIGN_IN_POSTS:
            raw, messages = await _read(receive)
            receive = _replay(messages, receive)
            email = _form_email(scope, raw)
            if email is not None:
                index = self._by_email(email)
                send = _with_cookie(send, index)
        await self.apps[index](scope, receive, send)

    def _by_cookie(self, scope: Scope) -> int:
        value = cookie_parser(_header(scope, b"cookie")).get(ACCOUNT_COOKIE, "")
        k = int(value) if value.isdigit() else 1
        # A cookie from before a reset to fewer accounts: account 1, as without one.
        return k - 1 if 1 <= k <= len(self.sites) else 0

    def _by_email(self, email: str) -> int:
        try:
            return index_of(self.sites, email)
        except ValueError:
            return 0

    async def _control(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        account = parse_qs(scope["query_string"].decode("latin-1")).get("account", [None])[0]
        body: dict[str, Any] | str = {}
        if scope["method"] == "POST":
            raw, messages = await _read(receive)
            body = _json_object(raw)
            if isinstance(body, dict) and "account" in body:
                account = body.pop("account")
                messages = [{"type": "http.request", "body": json.dumps(body).encode()}]
            receive = _replay(messages, receive)
        method = scope["method"]
        if path == f"{control.PREFIX}/reset" and method == "POST":
            await self._reset_all(account, body)(scope, receive, send)
            return
        if account is not None and not isinstance(account, str):  # a JSON field of any type
            await _bad("account must be an account's e-mail address")(scope, receive, send)
            return
        try:
            index = 0 if account is None else index_of(self.sites, account)
        except ValueError as error:
            await _bad(str(error))(scope, receive, send)
            return
        if path in (f"{control.PREFIX}/state", f"{control.PREFIX}/config") and method == "GET":
            await JSONResponse(self._about(index, path))(scope, receive, send)
            return
        # The rest act on one account, as its own app does (a bad body: its own 400, a wrong
        # method its 405).
        await self.apps[index](scope, receive, send)

    def _reset_all(self, account: object, body: dict[str, Any] | str) -> JSONResponse:
        if account is not None:
            return _bad("reset resets every account: it takes no account")
        if isinstance(body, str):
            return _bad(body)
        if "config" in body:  # MockSite.reset's own argument, no option
            return _bad("unknown option(s): config")
        try:
            self._reset(**body)
        except ValueError as error:
            return _bad(str(error))
        return JSONResponse({"ok": True})

    def _about(self, index: int, path: str) -> dict[str, Any]:
        site = self.sites[index]
        if path.endswith("/config"):
            with site.lock:
                return {**site.config.to_json(), "accounts": len(self.sites)}
        return with_accounts(site.state(), self.sites)


def with_accounts(state: dict[str, Any], sites: list[Site]) -> dict[str, Any]:
    """An account's state with the site's number of accounts (its own config says 1) and
    every account's e-mail."""
    state["config"]["accounts"] = len(sites)
    state["accounts"] = [site.config.email for site in sites]
    return state


def _bad(message: str) -> JSONResponse:
    return JSONResponse({"message": message}, status_code=400)


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return ""


async def _read(receive: Receive) -> tuple[bytes, list[Message]]:
    """The body (up to _MAX_BODY), and the messages read, for the app to be given again."""
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":  # the client went away: the app finds out
            break
        size += len(message.get("body", b""))
        if not message.get("more_body") or size > _MAX_BODY:
            break
    raw = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
    return raw, messages


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def again() -> Message:
        return pending.pop(0) if pending else await receive()

    return again


def _form_email(scope: Scope, raw: bytes) -> str | None:
    if not _header(scope, b"content-type").startswith("application/x-www-form-urlencoded"):
        return None
    if len(raw) > _MAX_BODY:
        return None
    try:
        fields = parse_qs(raw.decode("utf-8"), keep_blank_values=True)
    except (UnicodeDecodeError, ValueError):
        return None
    values = fields.get("email")
    return values[0] if values else None


def _json_object(raw: bytes) -> dict[str, Any] | str:
    """The body as control reads it (empty: {}), or what is wrong with it."""
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        return "body must be JSON"
    return value if isinstance(value, dict) else "body must be a JSON object"


def _with_cookie(send: Send, index: int) -> Send:
    cookie = f"{ACCOUNT_COOKIE}={index + 1}; Path=/; HttpOnly; SameSite=Lax".encode()

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie)]}
        await send(message)

    return sending
