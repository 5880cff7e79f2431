"""Finding real values in text, in every form a page or an address carries them, and putting
their fakes in, each in the same form.

A value reaches a body or an address as it is, URL-encoded (encodeURIComponent's way or a
form's), JSON-escaped (with or without \\u escapes, and as Jinja's and Amazon's templates put
JSON in a page), HTML-escaped, or HTML-escaped JSON. Thousands of values are searched for at
once through one regular expression built as a trie, so a search costs about one pass.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import quote, quote_plus

from voicewipe.capture.fakes import ID_KINDS, WORD_KINDS

_HTML_SAFE_JSON = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027"}
MIN_LENGTH = 3  # shorter values are replaced only where a rule finds them
MIN_WORDS = 10  # transcripts and replies: searched for in pages only from this length


def _json_inner(value: str, ascii_only: bool) -> str:
    return json.dumps(value, ensure_ascii=ascii_only)[1:-1]


def _html_json(value: str) -> str:
    out = _json_inner(value, False)
    for char, escaped in _HTML_SAFE_JSON.items():
        out = out.replace(char, escaped)
    return out


ENCODINGS: tuple[Callable[[str], str], ...] = (
    lambda v: v,
    lambda v: quote(v, safe=""),
    lambda v: quote(v, safe="!'()*~"),  # encodeURIComponent
    quote_plus,
    lambda v: _json_inner(v, False),
    lambda v: _json_inner(v, True),
    _html_json,
    lambda v: html.escape(v, quote=True),
    lambda v: html.escape(v, quote=False).replace('"', "&#34;").replace("'", "&#39;"),
    lambda v: html.escape(_json_inner(v, False), quote=True),
)


def forms(value: str) -> dict[str, int]:
    """The value's encoded forms -> which encoding gave each."""
    out: dict[str, int] = {}
    for index, encode in enumerate(ENCODINGS):
        out.setdefault(encode(value), index)
    return out


def trie_pattern(words: Iterable[str]) -> str:
    """One regular expression matching any of `words`, the longest where several do."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _branch(root)


def _branch(node: dict[str, Any]) -> str:
    alternatives = [re.escape(char) + _branch(child) for char, child in node.items() if char]
    if not alternatives:
        return ""
    body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
    if "" in node:
        return "(?:" + body + ")?"
    return body


# A run of letters and digits, with the escapes that may sit right against one (%2F, \u0027,
# \n, &quot;) matched first, so "%2FG090LF12" is seen as "%2F" and the run "G090LF12".
_RUNS = re.compile(r"%[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}|\\.|&#?[A-Za-z0-9]+;|[A-Za-z0-9]+")


class Replacer:
    """Every real value found and replaced by its fake, in the same form: the parts of ids
    (`parts`: real -> fake) wherever one is a whole run of letters and digits, whatever
    encoding surrounds it; every other value of `table` in each of its forms (forms()).
    `kinds` tells each value's kind, for counting and matching (names and words as whole
    words only)."""

    def __init__(
        self, table: Mapping[str, str], kinds: Mapping[str, str], parts: Mapping[str, str]
    ) -> None:
        self.found: Counter[str] = Counter()  # kind -> replacements made
        self._parts = dict(parts)
        self._to: dict[str, tuple[str, str]] = {}  # a form of a real value -> (fake's, kind)
        values: list[str] = []
        words: list[str] = []
        for real, fake in sorted(table.items(), key=lambda item: -len(item[0])):
            kind = kinds[real]
            least = MIN_WORDS if kind in ("text", "reply") else MIN_LENGTH
            if kind in ID_KINDS or len(real) < least or real == fake:
                continue
            for form, index in forms(real).items():
                if form not in self._to:
                    self._to[form] = (ENCODINGS[index](fake), kind)
                    (words if kind in WORD_KINDS else values).append(form)
        # Names and words only as whole words ("Sam", not the start of "Samsung"); ASCII
        # boundaries, as Japanese runs its words together.
        bounded = rf"(?<![A-Za-z0-9])(?:{trie_pattern(words)})(?![A-Za-z0-9])"
        self._patterns = [
            re.compile(trie_pattern(values)) if values else None,
            re.compile(bounded) if words else None,
        ]
        self._part_kinds = {part: kinds.get(part, "record-key") for part in self._parts}

    def sub(self, text: str) -> str:
        for pattern in self._patterns:
            if pattern is not None:
                text = pattern.sub(self._swap, text)
        return _RUNS.sub(self._run, text) if self._parts else text

    def _swap(self, match: re.Match[str]) -> str:
        fake, kind = self._to[match.group()]
        self.found[kind] += 1
        return fake

    def _run(self, match: re.Match[str]) -> str:
        run = match.group()
        fake = self._parts.get(run)
        if fake is None:
            return run
        self.found[self._part_kinds[run]] += 1
        return fake

    def left(self, text: str) -> str | None:
        """The kind of a real value still in `text`, if one is."""
        for pattern in self._patterns:
            match = pattern.search(text) if pattern is not None else None
            if match:
                return self._to[match.group()][1]
        if self._parts:
            for match in _RUNS.finditer(text):
                if match.group() in self._parts:
                    return self._part_kinds[match.group()]
        return None
