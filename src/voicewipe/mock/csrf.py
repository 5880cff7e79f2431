"""The CSRF token going stale (csrf_ttl_s), as clients met it in 2025 (alexa_media_player
#2982): a token older than the option is refused with 403 text/html even with the header and
Referer sent, and the pages (and GET /alexa-privacy/apd/csrf-token) hand out a new one.

Invented where sources are silent (mock/README.md): a token is replaced when a page or the
endpoint is asked for it past half its life (never before: a run's token lasts that long); the
endpoint answers 429 when one session asks again within POLL_INTERVAL_S and would get the
token it was given last time (a client whose token went stale, or was replaced through a page,
is answered). Nothing here knows HTTP.
"""

from __future__ import annotations

import secrets
import time

from voicewipe.mock.auth import Session
from voicewipe.mock.config import MockConfig

POLL_INTERVAL_S = 120.0


def is_stale(config: MockConfig, session: Session) -> bool:
    ttl = config.csrf_ttl_s
    return bool(ttl) and time.monotonic() - session.csrf_issued > ttl


def current(config: MockConfig, session: Session) -> str:
    """The token a page hands out now: a new one once the old one is past half its life (so
    that what a page gives lasts a while; the old one is refused from then on)."""
    ttl = config.csrf_ttl_s
    if ttl and time.monotonic() - session.csrf_issued > ttl / 2:
        session.csrf = secrets.token_urlsafe(32)
        session.csrf_issued = time.monotonic()
    return session.csrf


def poll(config: MockConfig, session: Session) -> str | None:
    """The token for the plain-text endpoint, or None when it is asked too often."""
    now = time.monotonic()
    token = current(config, session)
    last = session.csrf_polled
    if last is not None and now - last[0] < POLL_INTERVAL_S and last[1] == token:
        return None
    session.csrf_polled = (now, token)
    return token
