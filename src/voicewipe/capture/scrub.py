"""The scrubber: a capture as recorded in, the same capture with every personal value replaced
out, and a sidecar saying what was replaced (never a value); or Unclassified, and nothing to
write, when it holds anything the rules (scrub.yaml) do not classify.

Three passes over the exchanges. The first reads every value the rules name, in the order
met (so the fakes are the same for the same capture); the second puts the fakes in, in every
form each value takes (replace.py), drops cookies and the headers not kept, and silences
audio; the third checks the result (checks.py). The site's own files (scripts, styles, fonts,
images) are kept as they are, and checked.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from voicewipe.capture.audio import silence
from voicewipe.capture.checks import Checks, where
from voicewipe.capture.fakes import TOKEN_KINDS, Fakes
from voicewipe.capture.har import Capture, Exchange, Headers
from voicewipe.capture.htmlscan import collect as collect_html
from voicewipe.capture.jsonscan import JsonScan, field_name
from voicewipe.capture.replace import Replacer
from voicewipe.capture.rules import FILE, SAFE, ScrubRules
from voicewipe.capture.sidecar import Sidecar
from voicewipe.errors import Unclassified

_COOKIE_MIN = 12  # shorter cookie values are settings (lc-main=en_US), not credentials
_PART_MIN = 8  # parts of ids looked for in the site's own files from this length


def body_kind(exchange: Exchange, rules: ScrubRules) -> str:
    """static, audio, json, html, text, binary or empty: how a response body is scrubbed."""
    mime = exchange.mime
    if not exchange.body:
        return "empty"
    if mime.startswith(rules.static.types) or (
        not mime and exchange.resource in rules.static.resources
    ):
        return "static"
    if mime.startswith(rules.audio.types):
        return "audio"
    if mime == "application/json" or mime.endswith("+json"):
        return "json"
    if mime in ("text/html", "application/xhtml+xml"):
        return "html"
    return "text" if exchange.is_text else "binary"


class _Scrub:
    def __init__(self, rules: ScrubRules, account: str) -> None:
        self.rules = rules
        self.file = rules.file or FILE
        self.fakes = Fakes(rules.ids.keep)
        self.json = JsonScan(rules.json_rules, self.file)
        self.problems: dict[str, None] = {}
        self.counts: Counter[str] = Counter()  # kind -> occurrences replaced where found
        self.dropped: Counter[str] = Counter()  # header -> how many dropped
        self.cookies = Counter({"request": 0, "set": 0})
        self.audio = Counter({"silenced": 0, "format_lost": 0, "bytes": 0})
        self.secrets = self.site_files = 0
        if account:
            self.fakes.add("email", account)

    def problem(self, *found: str) -> None:
        for problem in found:
            self.problems.setdefault(problem, None)

    # --- the first pass: what is there -------------------------------------------------------
    def collect(self, exchange: Exchange) -> None:
        at = where(exchange)
        self._cookies(exchange)
        for name, value in (*exchange.request_headers, *exchange.response_headers):
            kind = self.rules.headers.tokens.get(name)
            if kind and value:
                self.fakes.add(kind, value)
            elif name in ("referer", "location"):
                self._params(urlsplit(value).query, f"header `{name}` of {at}")
        self._params(urlsplit(exchange.url).query, at)
        self._request_body(exchange, at)
        self._response_body(exchange, at)

    def _cookies(self, exchange: Exchange) -> None:
        for name, value in exchange.request_headers:
            if name == "cookie":
                for pair in value.split(";"):
                    self.cookies["request"] += 1
                    self._cookie(pair.partition("=")[2].strip())
        for name, value in exchange.response_headers:
            if name == "set-cookie":
                for line in value.split("\n"):  # Playwright joins several with newlines
                    self.cookies["set"] += 1
                    self._cookie(line.split(";")[0].partition("=")[2].strip())

    def _cookie(self, value: str) -> None:
        if len(value) >= _COOKIE_MIN:
            self.fakes.add("cookie", value.strip('"'))

    def _params(self, query: str, at: str, what: str = "query") -> None:
        for name, value in parse_qsl(query, keep_blank_values=True):
            kind = self.rules.params.get(name)
            if kind is None:
                self.problem(
                    f"{what} parameter {field_name(name)} in {at}: not in {self.file}; add it "
                    "under params (its kind, or safe)"
                )
            elif kind == SAFE:
                self.fakes.keep(value)
            elif value:
                self.fakes.add(kind, value)

    def _json(self, text: str, at: str) -> bool:
        try:
            data = json.loads(text)
        except ValueError:
            return False
        self.problem(*self.json.collect(data, at, self.fakes.add, self.fakes.keep))
        return True

    def _request_body(self, exchange: Exchange, at: str) -> None:
        body = exchange.request_body
        if not body:
            return
        mime = exchange.header("content-type", request=True)
        if "x-www-form-urlencoded" in mime:
            self._params(body, at, "form")
        elif "json" in mime or body.lstrip().startswith(("{", "[")):
            self._json(body, f"{at} (request body)")

    def _response_body(self, exchange: Exchange, at: str) -> None:
        kind = body_kind(exchange, self.rules)
        text_kind = self.rules.text_bodies.get(exchange.path)
        if text_kind and kind == "text":
            self.fakes.add(text_kind, exchange.text().strip())
        elif kind == "json" and not self._json(exchange.text(), f"{at} (response body)"):
            self.problem(f"a JSON response body that does not parse in {at}")
        elif kind == "html":
            self.problem(
                *collect_html(
                    exchange.text(), self.rules.html, self.json, at, self.fakes.add, self.fakes.keep
                )
            )
        elif kind == "binary":
            self.problem(f"a response body of type {exchange.mime or 'none'} in {at}: not scrubbed")

    # --- the second pass: the fakes in -------------------------------------------------------
    def replacers(self) -> tuple[Replacer, Replacer]:
        """The replacer of every value, and the one that checks the site's own files (long
        id parts and tokens only: their words may be any page's)."""
        self.fakes.build()
        table, kinds = self.fakes.table, self.fakes.kinds
        parts = self.fakes.parts()
        part_kinds = {**kinds, **self.fakes.part_kinds}
        tokens = {v: f for v, f in table.items() if kinds[v] in TOKEN_KINDS and len(v) >= 8}
        long_parts = {p: f for p, f in parts.items() if len(p) >= _PART_MIN}
        return Replacer(table, part_kinds, parts), Replacer(tokens, part_kinds, long_parts)

    def rewrite(self, exchange: Exchange, replacer: Replacer) -> Exchange:
        kind = body_kind(exchange, self.rules)
        return dataclasses.replace(
            exchange,
            url=replacer.sub(exchange.url),
            request_headers=self._headers(exchange.request_headers, replacer),
            response_headers=self._headers(exchange.response_headers, replacer),
            request_body=self._text(exchange.request_body, replacer),
            body=self._body(exchange, kind, replacer),
        )

    def _headers(self, headers: Headers, replacer: Replacer) -> Headers:
        out = []
        for name, value in headers:
            kind = self.rules.headers.tokens.get(name)
            if kind:
                self.counts[kind] += 1
                out.append((name, self.fakes.table.get(value) or replacer.sub(value)))
            elif name in self.rules.headers.keep:
                out.append((name, replacer.sub(value)))
            elif name not in ("cookie", "set-cookie"):  # counted as cookies
                self.dropped[name] += 1
        return tuple(out)

    def _text(self, text: str | None, replacer: Replacer) -> str | None:
        if not text:
            return text
        try:
            data = json.loads(text) if text.lstrip().startswith(("{", "[")) else None
        except ValueError:
            data = None
        if data is None:
            return replacer.sub(text)
        return self._dumps(data, replacer)

    def _dumps(self, data: Any, replacer: Replacer) -> str:
        done = self.json.rewrite(data, self.fakes.table, replacer.sub, self.counts)
        return json.dumps(done, ensure_ascii=False, separators=(",", ":"))

    def _body(self, exchange: Exchange, kind: str, replacer: Replacer) -> bytes:
        if kind in ("static", "empty", "binary"):
            return exchange.body
        if kind == "audio":
            quiet, kept = silence(exchange.body)
            self.audio.update(silenced=1, bytes=len(quiet), format_lost=0 if kept else 1)
            return quiet
        text = exchange.text()
        text_kind = self.rules.text_bodies.get(exchange.path)
        if kind == "text" and text_kind and text.strip() in self.fakes.table:
            self.counts[text_kind] += 1
            return text.replace(text.strip(), self.fakes.table[text.strip()]).encode()
        if kind == "json":
            return self._dumps(json.loads(text), replacer).encode()
        return replacer.sub(text).encode()


def scrub(
    capture: Capture, rules: ScrubRules, *, account: str, secrets: Sequence[str] = ()
) -> tuple[Capture, Sidecar]:
    """The capture with every personal value replaced, and what was replaced; Unclassified
    (nothing to write) when the rules leave anything unclassified or a check finds a leak.

    account: the account's e-mail address; secrets: what must appear nowhere in any encoding
    (the password, the TOTP key)."""
    work = _Scrub(rules, account)
    for exchange in capture.exchanges:
        work.collect(exchange)
    replacer, static = work.replacers()
    out = [work.rewrite(exchange, replacer) for exchange in capture.exchanges]
    checks = Checks(secrets, account, replacer, static, work.fakes.is_fake)
    for exchange in out:
        kind = body_kind(exchange, rules)
        work.problem(*checks.everywhere(exchange), *checks.personal(exchange, kind))
        if kind == "static":
            work.problem(*checks.static(exchange))
    if work.problems:
        raise Unclassified(list(work.problems))
    meta = dataclasses.replace(
        capture.meta,
        account=work.fakes.table.get(account, account),
        walk=[replacer.sub(line) for line in capture.meta.walk],
    )
    work.secrets = sum(1 for secret in secrets if secret)
    work.site_files = sum(1 for e in out if body_kind(e, rules) == "static")
    sidecar = Sidecar.of(work.fakes.kinds, work.counts + replacer.found, out, rules, work)
    return Capture(meta, out), sidecar
