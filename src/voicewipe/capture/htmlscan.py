"""Pages by scrub.yaml's html rules: the personal values their elements hold (a CSRF meta tag,
the name in the navigation bar, the filter menus' devices, JSON a page carries), and after
the fakes are in, what no rule covered: a password field's value, a long token-like value in
an attribute a script or a form would send back.

Pages are parsed with Beautiful Soup (html.parser: pure Python, forgiving as browsers are)
only to find values; the page's text itself is changed by replacing those values (replace.py),
so the capture keeps the page's bytes as the site sent them but for its fakes.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable, Iterator

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, Tag

from voicewipe.capture.jsonscan import JsonScan
from voicewipe.capture.rules import HtmlRule

# Attributes whose values a page's scripts and forms send back, where tokens hide.
_SENT = re.compile(r"^(value|content|data-.*)$")
_RUN = re.compile(r"[A-Za-z0-9+/=_.-]{16,}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def token_like(text: str) -> Iterator[str]:
    """Runs of the text that look like a random token or an id (never a word)."""
    yield from _UUID.findall(text)
    for run in _RUN.findall(text):
        for part in re.split(r"[-_.]", run):
            digits = any(c.isdigit() for c in part)
            letters = any(c.isalpha() for c in part)
            mixed = any(c.isupper() for c in part) and any(c.islower() for c in part)
            if (len(part) >= 16 and digits and letters) or (len(part) >= 24 and mixed):
                yield part


def soup(text: str) -> BeautifulSoup:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        return BeautifulSoup(text, "html.parser")


def _values(page: BeautifulSoup, rule: HtmlRule) -> Iterator[str]:
    for element in page.select(rule.select):
        raw = element.get(rule.attr) if rule.attr else element.get_text()
        value = " ".join(raw) if isinstance(raw, list) else raw
        if not value:
            continue
        if rule.pattern is not None:
            match = re.search(rule.pattern, value)
            if match is None or not match.group(1):
                continue
            value = match.group(1)
        yield value


def collect(
    text: str,
    rules: tuple[HtmlRule, ...],
    scan: JsonScan,
    where: str,
    found: Callable[[str, str], object],
    keep: Callable[[str], None],
) -> list[str]:
    """Every value the rules name to `found`; the problems (JSON that is not)."""
    page = soup(text)
    problems: list[str] = []
    for rule in rules:
        for value in _values(page, rule):
            if rule.kind is not None:
                found(rule.kind, value)
                continue
            try:
                data = json.loads(value)
            except ValueError:
                problems.append(f"the JSON in `{rule.select}` of {where} does not parse")
                continue
            problems += scan.collect(data, f"{where} (`{rule.select}`)", found, keep)
    return problems


def check(text: str, where: str, is_fake: Callable[[str], bool]) -> list[str]:
    """What no rule covered, in a page whose fakes are in."""
    problems: dict[str, None] = {}
    for element in soup(text).find_all(True):
        if not isinstance(element, Tag):
            continue
        kind = str(element.get("type") or "").lower()
        if element.name == "input" and kind == "password" and element.get("value"):
            problems.setdefault(f"a password field's value in {where}", None)
        for name, raw in element.attrs.items():
            value = " ".join(raw) if isinstance(raw, list) else str(raw)
            if _SENT.match(name) and any(not is_fake(t) for t in token_like(value)):
                problems.setdefault(
                    f"a token-like value in attribute `{name}` of <{element.name}> in {where}: "
                    "add an html rule for it to scrub.yaml",
                    None,
                )
    return list(problems)
