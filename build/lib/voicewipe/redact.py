"""One place that knows every secret value of this process, and scrubs them from text.

A Secret registers its value here when it is created; redact() replaces the value, and the
forms it takes on the way to a log or a file (URL-encoded, base64, JSON-escaped), by a marker.
Every log sink, run.json, the report and error messages go through redact().
"""

from __future__ import annotations

import base64
import json
import threading
from urllib.parse import quote, quote_plus

MARK = "[redacted]"
_lock = threading.Lock()
_forms: set[str] = set()


def _variants(value: str) -> set[str]:
    raw = value.encode()
    found = {
        value,
        quote(value, safe=""),
        quote_plus(value),
        json.dumps(value)[1:-1],
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode(),
    }
    # base64 of the value inside a longer text starts at one of three alignments; the middle
    # of each is the same whatever surrounds it.
    for shift in (1, 2):
        encoded = base64.b64encode(b"\0" * shift + raw).decode()
        core = encoded[4 : len(encoded) - 4]
        if len(core) >= 8:
            found.add(core)
    return {form for form in found if len(form) >= 4}


def register(value: str) -> None:
    """Make `value` (a password, a one-time code, a session token) unprintable from now on."""
    if not value:
        return
    with _lock:
        _forms.update(_variants(value))


def redact(text: str) -> str:
    if not _forms or not text:
        return text
    with _lock:
        forms = sorted(_forms, key=len, reverse=True)
    for form in forms:
        if form in text:
            text = text.replace(form, MARK)
    return text
