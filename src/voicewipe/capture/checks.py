"""What a scrubbed capture is checked for before it may be written: the secrets given (the
password, the TOTP key) and the account's e-mail address in any encoding, in every exchange;
in the exchanges that are the account's own (not the site's scripts and styles), any real value
the rules named still there, any e-mail address, and what a page or a plain-text answer holds
that looks like a token but that no rule named. Each problem says what and where, never the
value.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterator, Sequence
from urllib.parse import unquote, urlsplit

from voicewipe.capture import htmlscan
from voicewipe.capture.fakes import FAKE_DOMAIN
from voicewipe.capture.har import Exchange
from voicewipe.capture.replace import ENCODINGS, Replacer

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# "sprite@2x.png" is a picture's name, not an address.
_FILE = re.compile(r"\.(?:png|jpe?g|gif|svg|webp|avif|ico|css|js|woff2?)$", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z0-9._~-]{0,60}")
_NAMES = (
    *("plain", "URL-encoded", "URL-encoded", "URL-encoded"),
    *("JSON-escaped", "JSON-escaped", "JSON-escaped"),
    *("HTML-escaped", "HTML-escaped", "HTML-escaped"),
)


def secret_forms(secret: str) -> dict[str, str]:
    """A secret's forms -> the encoding's name: as it is and as replace.py encodes values,
    lower case and in groups of four (how TOTP keys are shown), hex, and base64 (standard and
    URL-safe) at each of the three byte offsets it may sit at inside something encoded."""
    out = {encode(secret): name for encode, name in zip(ENCODINGS, _NAMES, strict=True)}
    out.setdefault(secret.lower(), "lower case")
    out.setdefault(" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)), "grouped")
    raw = secret.encode()
    out.setdefault(raw.hex(), "hex")
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        out.setdefault(encode(raw).decode(), "base64")
        for skip in range(3):
            piece = raw[skip:]
            usable = len(piece) // 3 * 3
            if usable >= 3:
                out.setdefault(encode(piece[:usable]).decode(), "base64")
    return {form: name for form, name in out.items() if len(form) >= 4}


def _is_address(found: str) -> bool:
    return not found.endswith("@" + FAKE_DOMAIN) and not _FILE.search(found)


def _plain(segment: str) -> bool:
    """A part of a path that may be shown: a word, never an id or a token."""
    return (
        bool(_WORD.fullmatch(segment))
        and not re.search(r"\d{3}", segment)
        and not any(htmlscan.token_like(segment))
    )


def where(exchange: Exchange) -> str:
    """METHOD /path, with any part of the path that is not a plain word masked."""
    parts = urlsplit(exchange.url).path.split("/")
    shown = "/".join(p if _plain(p) else "…" for p in parts)
    return f"{exchange.method} {shown or '/'}"


def texts(exchange: Exchange, *, body: bool = True) -> Iterator[tuple[str, str]]:
    """(which part, its text) of an exchange, the address decoded too."""
    yield "the address", exchange.url
    yield "the address", unquote(exchange.url)
    for name, value in (*exchange.request_headers, *exchange.response_headers):
        yield f"header `{name}`", value
    if exchange.request_body:
        yield "the request body", exchange.request_body
    if body and exchange.body:
        text = exchange.text() if exchange.is_text else exchange.body.decode("latin-1")
        yield "the response body", text


class Checks:
    def __init__(
        self,
        secrets: Sequence[str],
        account: str,
        replacer: Replacer,
        static: Replacer,
        is_fake: Callable[[str], bool],
    ) -> None:
        self._secrets = [secret_forms(s) for s in secrets if s]
        self._account = secret_forms(account) if account else {}
        self._replacer = replacer
        self._static = static
        self._is_fake = is_fake

    def everywhere(self, exchange: Exchange) -> Iterator[str]:
        at = where(exchange)
        for part, text in texts(exchange):
            for forms in self._secrets:
                name = next((n for form, n in forms.items() if form in text), None)
                if name:
                    yield f"a secret given to the scrubber ({name}) in {part} of {at}"
            name = next((n for form, n in self._account.items() if form in text), None)
            if name:
                yield f"the account's e-mail address ({name}) in {part} of {at}"

    def personal(self, exchange: Exchange, body: str) -> Iterator[str]:
        """What was the account's own, checked for what the fakes should have replaced: the
        address and headers always, the body unless it is the site's (body: static)."""
        at = where(exchange)
        for part, text in texts(exchange, body=body != "static"):
            kind = self._replacer.left(text)
            if kind:
                yield f"a value of kind {kind} left in {part} of {at}: a form the scrubber missed"
            if any(_is_address(m) for m in _EMAIL.findall(text)):
                yield f"an e-mail address in {part} of {at}"
        for segment in urlsplit(exchange.url).path.split("/"):
            if any(not self._is_fake(t) for t in htmlscan.token_like(unquote(segment))):
                yield f"a token-like part of the address {at}: add its kind to scrub.yaml"
        if body == "html":
            yield from htmlscan.check(exchange.text(), at, self._is_fake)
        elif body == "text" and any(
            not self._is_fake(t) for t in htmlscan.token_like(exchange.text())
        ):
            yield f"a token-like value in the response body of {at}: add it to text_bodies"

    def static(self, exchange: Exchange) -> Iterator[str]:
        """A file of the site's own (left as it is): no long id of the account in it."""
        kind = self._static.left(exchange.text() if exchange.is_text else "")
        if kind:
            yield f"a value of kind {kind} in the response body of {where(exchange)} (a site file)"
