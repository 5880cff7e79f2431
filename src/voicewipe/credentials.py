"""Amazon credentials in the OS keyring (macOS Keychain, Windows Credential Locker, Secret
Service on Linux), through `keyring`; never in a file of ours.

Per account (and optionally per marketplace): the password and, when given, the TOTP key an
authenticator app is set up with. The key that encrypts saved sign-ins lives there too. Which
accounts are stored is kept in a small index in the user's state folder (the keyring cannot
list its entries everywhere); the index holds no secret.

Forgetting an account also removes its saved sign-ins, whose files are therefore named here
(alexa.sessions, which makes and opens them, builds on this module, never the other way).

A machine without a usable keyring (a bare server, a container) gets a clear message naming
what to install or choose; voicewipe never falls back to plain text on its own.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from voicewipe.errors import ExitCode, UsageError, VoicewipeError
from voicewipe.fsutil import write_atomic
from voicewipe.secret import Secret

SERVICE = "voicewipe"
ANY_MARKETPLACE = "*"


class KeyringUnavailable(VoicewipeError):
    """No OS keyring to keep credentials in: something to install or configure."""

    exit_code = ExitCode.INVALID


def _install_hint() -> str:
    return (
        "install and start a Secret Service (on Debian/Ubuntu: apt install gnome-keyring, in a "
        "desktop session or under dbus-run-session), or choose a file keyring on purpose: "
        "pip install keyrings.alt and set PYTHON_KEYRING_BACKEND=keyrings.alt.file.EncryptedKeyring"
    )


def backend() -> Any:
    """The keyring backend in use, if it can keep secrets; KeyringUnavailable otherwise."""
    import keyring
    from keyring.backends import chainer, fail, null

    found = keyring.get_keyring()
    if isinstance(found, fail.Keyring | null.Keyring) or (
        isinstance(found, chainer.ChainerBackend) and not found.backends
    ):
        raise KeyringUnavailable(
            f"no OS keyring is available to keep the password: {_install_hint()}"
        )
    name = f"{type(found).__module__}.{type(found).__name__}"
    if "plaintext" in name.lower() and not os.environ.get("PYTHON_KEYRING_BACKEND"):
        raise KeyringUnavailable(
            f"the only keyring available ({name}) keeps secrets in plain text; voicewipe "
            f"will not use it unless chosen on purpose: {_install_hint()}"
        )
    return found


def backend_name() -> str:
    found = backend()
    return f"{type(found).__module__}.{type(found).__name__}"


def _call(action: str, function: Any, *args: str) -> Any:
    from keyring.errors import KeyringError, PasswordDeleteError

    backend()
    try:
        try:
            return function(SERVICE, *args)
        except Exception as error:
            # The Secret Service lists an item, then another program deletes it before it is
            # read (two voicewipe runs, a keyring manager): asked again, it is simply not there.
            if type(error).__name__ != "ItemNotFoundException":
                raise
            return function(SERVICE, *args)
    except PasswordDeleteError:
        raise  # nothing to delete: the caller's business, not a broken keyring
    except KeyringError as error:
        raise KeyringUnavailable(
            f"the keyring refused to {action}: {error} ({_install_hint()})"
        ) from None


def _entry(account: str, marketplace: str, what: str) -> str:
    return f"{account.lower()}|{marketplace}|{what}"


# --- the index of accounts (no secrets) -------------------------------------------------------
def _state_dir() -> Path:
    return Path(platformdirs.user_state_dir("voicewipe", appauthor=False))


def _index_file() -> Path:
    return _state_dir() / "accounts.json"


def _index() -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(_index_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save_index(index: dict[str, dict[str, Any]]) -> None:
    write_atomic(_index_file(), json.dumps(index, indent=2, sort_keys=True).encode(), mode=0o600)


# --- credentials ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Stored:
    account: str
    marketplace: str  # "*" when stored for every marketplace
    totp: bool


def store(account: str, marketplace: str | None, password: str, totp_secret: str | None) -> None:
    import keyring

    where = marketplace or ANY_MARKETPLACE
    _call("store the password", keyring.set_password, _entry(account, where, "password"), password)
    if totp_secret:
        _call("store the key", keyring.set_password, _entry(account, where, "totp"), totp_secret)
    else:
        _delete(_entry(account, where, "totp"))
    index = _index()
    index.setdefault(account.lower(), {})[where] = {"totp": bool(totp_secret)}
    _save_index(index)


def lookup(
    account: str, marketplace: str, origins: tuple[str, ...]
) -> tuple[Secret | None, Secret | None]:
    """The password and TOTP key for this account on this marketplace (or stored for any), as
    secrets that may be typed on `origins` only."""
    import keyring

    for where in (marketplace, ANY_MARKETPLACE):
        password = _call("read", keyring.get_password, _entry(account, where, "password"))
        if password is not None:
            totp = _call("read", keyring.get_password, _entry(account, where, "totp"))
            return (
                Secret("password", password, origins=origins),
                Secret("totp_secret", totp, origins=origins) if totp else None,
            )
    return None, None


def _delete(entry: str) -> bool:
    import keyring
    from keyring.errors import PasswordDeleteError

    try:
        _call("delete", keyring.delete_password, entry)
    except PasswordDeleteError:
        return False
    return True


def forget(account: str) -> int:
    """Remove the account's credentials (every marketplace) and its saved sign-ins."""
    index = _index()
    places = set(index.pop(account.lower(), {})) | {ANY_MARKETPLACE}
    removed = 0
    for where in places:
        for what in ("password", "totp"):
            removed += _delete(_entry(account, where, what))
    _save_index(index)
    removed += forget_sign_ins(account)
    return removed


def stored() -> list[Stored]:
    return [
        Stored(account, where, bool(info.get("totp")))
        for account, places in sorted(_index().items())
        for where, info in sorted(places.items())
    ]


# --- the key that encrypts saved sign-ins ------------------------------------------------------
SESSION_KEY_VARIABLE = "VOICEWIPE_SECRET_SESSION_KEY"


def session_key() -> bytes:
    """The Fernet key for saved sign-ins: VOICEWIPE_SECRET_SESSION_KEY where a machine has no
    keyring (a container: the key from a mounted secret, the sign-in on a volume), else the
    keyring's, made on first use; KeyringUnavailable without either."""
    import keyring
    from cryptography.fernet import Fernet

    given = os.environ.get(SESSION_KEY_VARIABLE, "").strip()
    if given:
        try:
            Fernet(given.encode())
        except ValueError:
            raise UsageError(
                f"{SESSION_KEY_VARIABLE} is not a key voicewipe can use (32 bytes, URL-safe "
                "base64); make one with: python3 -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'"
            ) from None
        from voicewipe.secret import Secret

        Secret("session_key", given)  # registered: redacted wherever it might be written
        return given.encode()
    key: str | None = _call("read", keyring.get_password, "session-key")
    if key is None:
        key = Fernet.generate_key().decode()
        _call("store the session key", keyring.set_password, "session-key", key)
    return key.encode()


# --- where saved sign-ins are kept ------------------------------------------------------------
def sessions_dir() -> Path:
    return _state_dir() / "sessions"


def account_file_part(account: str) -> str:
    """The account as it appears in the names of its files: lower case, and only characters
    that are safe in a file name ("#" is never one: it separates the site from the account)."""
    return "".join(c if c.isalnum() or c in "@._+-" else "_" for c in account.lower())


def forget_sign_ins(account: str) -> int:
    """Remove every saved sign-in of this account; returns how many."""
    removed = 0
    for path in sessions_dir().glob(f"*#{account_file_part(account)}.session"):
        path.unlink(missing_ok=True)
        removed += 1
    return removed
