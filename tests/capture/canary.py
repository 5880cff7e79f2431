"""The canary's assertions, on the files a capture left: nothing the test knows to be secret
or personal (the password, the TOTP key, the e-mail address, the mock's transcripts and
replies, every cookie value the mock set) appears in the capture or its sidecar in any form a
leak could take: plain, URL-encoded (quote and quote_plus), base64 (standard and URL-safe,
and at each of the three byte offsets a value may sit at inside a longer encoded blob),
JSON-escaped (with and without \\u escapes), HTML-escaped.

Written against the files, not the scrubber, and with encodings of its own (not the
scrubber's): `voicewipe capture` will be held to it unchanged."""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote, quote_plus

# Transcripts shorter than this ("stop", "Okay.") are words any page may hold ("Alexa will stop
# saving"): they are looked for as whole JSON strings (how a feed carries them, in a body or
# in a page) in the account's own entries, not in the site's scripts and styles.
SHORT = 8
_SITE_FILES = ("text/css", "text/javascript", "application/javascript")


def encodings(value: str) -> dict[str, str]:
    """Each form a value may leak in -> the form's name."""
    raw = value.encode()
    out = {
        value: "plain",
        quote(value, safe=""): "URL-encoded",
        quote(value): "URL-encoded",
        quote_plus(value): "URL-encoded (form)",
        json.dumps(value)[1:-1]: "JSON-escaped",
        json.dumps(value, ensure_ascii=False)[1:-1]: "JSON-escaped",
        html.escape(value): "HTML-escaped",
    }
    for name, encode in (
        ("base64", base64.b64encode),
        ("URL-safe base64", base64.urlsafe_b64encode),
    ):
        whole = encode(raw).decode()
        out[whole] = name
        out[whole.rstrip("=")] = name
        for offset in range(3):  # the value at byte offset 0, 1 or 2 of a longer blob
            piece = raw[(3 - offset) % 3 :]
            stable = encode(piece[: len(piece) // 3 * 3]).decode()
            if len(stable) >= 8:
                out[stable] = f"{name} at offset {offset}"
    return {form: name for form, name in out.items() if form}


def _texts(capture_path: Path, sidecar_path: Path) -> tuple[str, str]:
    """(everything, the account's own entries only), each with base64 bodies decoded too."""
    har = json.loads(capture_path.read_text(encoding="utf-8"))
    everything = [
        capture_path.read_text(encoding="utf-8"),
        sidecar_path.read_text(encoding="utf-8"),
    ]
    own = [sidecar_path.read_text(encoding="utf-8")]
    for entry in har["log"]["entries"]:
        content = entry["response"]["content"]
        text = content.get("text") or ""
        if content.get("encoding") == "base64":
            text = base64.b64decode(text).decode("latin-1")
            everything.append(text)
        if not content.get("mimeType", "").startswith(_SITE_FILES):
            own.append(json.dumps(entry, ensure_ascii=False) + text)
    return "\n".join(everything), "\n".join(own)


def assert_clean(
    capture_path: Path,
    sidecar_path: Path,
    *,
    secrets: Iterable[str],
    email: str,
    transcripts: Iterable[str],
    cookies: Iterable[str],
) -> None:
    everything, own = _texts(capture_path, sidecar_path)
    needles = [("a secret", s) for s in secrets] + [("the e-mail address", email)]
    needles += [("a cookie value", c) for c in cookies if c]
    for label, needle in needles:
        for form, name in encodings(needle).items():
            assert form not in everything, f"{label} ({name}) is in the capture or its sidecar"
    for text in {t for t in transcripts if t}:
        if len(text) >= SHORT:
            found = [name for form, name in encodings(text).items() if form in everything]
        else:
            found = [name for form, name in whole_strings(text).items() if form in own]
        assert not found, f"a transcript ({found[0]}, {len(text)} characters) is there"


def whole_strings(text: str) -> dict[str, str]:
    """A short transcript as a whole JSON string, as a feed or a page's JSON carries it."""
    out = {json.dumps(text): "JSON string", json.dumps(text, ensure_ascii=False): "JSON string"}
    out |= {html.escape(form): "HTML-escaped JSON string" for form in list(out)}
    return out
