"""JSON bodies by scrub.yaml's json rules: which strings are personal and of what kind (read
before any fake is made), then the same body with its fakes in.

A string is classified by the name of the field holding it, anywhere in the body (in a list,
by the list's field); a field named nowhere in the rules is a problem, told by its name, and
a field whose name is no identifier (a value used as a key) is told by its length only.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from voicewipe.capture.rules import JsonRules

_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$.-]{0,60}")
Found = Callable[[str, str], object]  # kind, value


def field_name(name: str) -> str:
    """A field's name as a message may show it: never a value used as a key."""
    if _NAME.fullmatch(name) and not any(c.isdigit() for c in name[:1]):
        return f"`{name}`"
    return f"named by a value ({len(name)} characters)"


class JsonScan:
    def __init__(self, rules: JsonRules, rules_file: str) -> None:
        self.rules = rules
        self.rules_file = rules_file
        self._safe = frozenset(rules.safe)
        self._trees = frozenset(rules.safe_trees)

    def kind_of(self, name: str, parent: dict[str, Any]) -> str | None:
        for rule in self.rules.by_sibling:
            if name == rule.field and parent.get(rule.sibling) in rule.values:
                return rule.kind
        return self.rules.fields.get(name)

    def _leaves(self, node: Any, name: str, parent: dict[str, Any]) -> Iterator[tuple[str, Any]]:
        """(field, kind or None) for each string and number, with the containing object."""
        if isinstance(node, dict):
            for key, value in node.items():
                if key not in self._trees:
                    yield from self._leaves(value, key, node)
        elif isinstance(node, list):
            for item in node:
                yield from self._leaves(item, name, parent)
        elif isinstance(node, str | int | float) and not isinstance(node, bool):
            yield name, (node, parent)

    def collect(
        self, data: Any, where: str, found: Found, keep: Callable[[str], None]
    ) -> list[str]:
        """Every personal string to `found`, every safe value to `keep`; the problems."""
        problems: dict[str, None] = {}
        for name, (value, parent) in self._leaves(data, "", {}):
            kind = self.kind_of(name, parent)
            if not isinstance(value, str):  # a number: a time or a count, kept in ids too
                if kind is None and isinstance(value, int):
                    keep(str(value))
            elif kind is not None:
                if value:
                    found(kind, value)
            elif name in self._safe:
                keep(value)
            elif value:
                problems.setdefault(self._unknown(name, where), None)
        return list(problems)

    def _unknown(self, name: str, where: str) -> str:
        if not name:
            return f"a JSON string outside any field in {where}"
        return (
            f"JSON field {field_name(name)} in {where}: not in {self.rules_file}; add it under "
            "json.fields (personal) or json.safe"
        )

    def rewrite(
        self, node: Any, table: dict[str, str], sub: Callable[[str], str], counts: Counter[str]
    ) -> Any:
        """The body with every classified string's fake, and known values replaced inside the
        other strings."""
        return self._rewrite(node, "", {}, table, sub, counts)

    def _rewrite(
        self,
        node: Any,
        name: str,
        parent: dict[str, Any],
        table: dict[str, str],
        sub: Callable[[str], str],
        counts: Counter[str],
    ) -> Any:
        if isinstance(node, dict):
            return {
                key: value
                if key in self._trees
                else self._rewrite(value, key, node, table, sub, counts)
                for key, value in node.items()
            }
        if isinstance(node, list):
            return [self._rewrite(item, name, parent, table, sub, counts) for item in node]
        if isinstance(node, str) and node:
            kind = self.kind_of(name, parent)
            if kind is not None and node in table:
                counts[kind] += 1
                return table[node]
            return sub(node)
        return node
