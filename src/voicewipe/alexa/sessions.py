"""Saved sign-ins: the browser's cookies and local storage after a sign-in, so that later runs
(a nightly cron job) open the privacy pages without seeing the sign-in page.

A saved sign-in opens the account as surely as the password, so it is kept like one: one file
per site and account in the user's state folder, readable by the user only, and encrypted
(Fernet: AES-128-CBC with an HMAC) with a key that lives in the OS keyring. The file alone
opens nothing. Without a keyring, nothing is saved and every run signs in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from loguru import logger

# Where the files are kept is voicewipe.credentials' to say: forgetting an account removes its
# saved sign-ins with its password, and credentials must not depend on this module for that.
from voicewipe.credentials import KeyringUnavailable, account_file_part, session_key, sessions_dir
from voicewipe.fsutil import write_atomic


def site_account_name(site: str, account: str) -> str:
    """`<host>#<account>`, for the files kept per site and account (sign-ins, locks). "#"
    separates them: account_file_part() never produces it and host names cannot hold it, so
    one account's files are never taken for another's."""
    host = urlsplit(site).netloc.replace(":", "_") or "site"
    return f"{host}#{account_file_part(account)}"


def session_file(site: str, account: str) -> Path:
    return sessions_dir() / f"{site_account_name(site, account)}.session"


def _fernet() -> Any:
    from cryptography.fernet import Fernet

    return Fernet(session_key())


def load(site: str, account: str) -> dict[str, Any] | None:
    from cryptography.fernet import InvalidToken

    path = session_file(site, account)
    if not path.exists():
        return None
    try:
        state = json.loads(_fernet().decrypt(path.read_bytes()))
    except KeyringUnavailable as error:
        logger.warning(f"the saved sign-in cannot be opened: {error}")
        return None
    except (InvalidToken, OSError, ValueError):
        logger.warning(f"the saved sign-in {path} cannot be read (another key?); signing in afresh")
        return None
    return state if isinstance(state, dict) else None


def save(site: str, account: str, state: dict[str, Any]) -> Path | None:
    path = session_file(site, account)
    try:
        token = _fernet().encrypt(json.dumps(state).encode())
    except KeyringUnavailable as error:
        logger.warning(f"the sign-in is not saved (the next run signs in again): {error}")
        return None
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_atomic(path, token, mode=0o600)
    return path
