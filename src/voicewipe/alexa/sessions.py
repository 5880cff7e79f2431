"""Saved sign-ins: the browser's cookies and local storage after a sign-in, so that later runs
(a nightly cron job) open the privacy pages without seeing the sign-in page.

Kept in the user's state folder, one file per site and account, readable by the user only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs
from loguru import logger

from voicewipe.fsutil import write_atomic


def sessions_dir() -> Path:
    return Path(platformdirs.user_state_dir("voicewipe", appauthor=False)) / "sessions"


def session_file(site: str, account: str) -> Path:
    host = urlsplit(site).netloc.replace(":", "_") or "site"
    safe_account = "".join(c if c.isalnum() or c in "@._+-" else "_" for c in account)
    return sessions_dir() / f"{host}--{safe_account}.json"


def load(site: str, account: str) -> dict[str, Any] | None:
    path = session_file(site, account)
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        logger.warning(f"the saved sign-in {path} cannot be read ({error}); signing in afresh")
        return None
    return state if isinstance(state, dict) else None


def save(site: str, account: str, state: dict[str, Any]) -> Path:
    path = session_file(site, account)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_atomic(path, json.dumps(state).encode(), mode=0o600)
    return path
