"""Variables of a run, in nested scopes.

A loop body or a sub-flow gets a child scope. Setting a variable updates it where it is
already defined, so a counter set before a loop can be increased inside it; a new name is
created in the innermost scope, so a loop's item does not leak past the loop.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any


class Scope(Mapping[str, Any]):
    def __init__(
        self, values: Mapping[str, Any] | None = None, parent: Scope | None = None
    ) -> None:
        self._values: dict[str, Any] = dict(values or {})
        self._parent = parent

    def child(self, values: Mapping[str, Any] | None = None) -> Scope:
        return Scope(values, self)

    def set(self, name: str, value: Any) -> None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope._values:
                scope._values[name] = value
                return
            scope = scope._parent
        self._values[name] = value

    def define(self, name: str, value: Any) -> None:
        """Set `name` in this scope only (a loop's item, a sub-flow's input)."""
        self._values[name] = value

    def __getitem__(self, name: str) -> Any:
        scope: Scope | None = self
        while scope is not None:
            if name in scope._values:
                return scope._values[name]
            scope = scope._parent
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        seen: set[str] = set()
        scope: Scope | None = self
        while scope is not None:
            for name in scope._values:
                if name not in seen:
                    seen.add(name)
                    yield name
            scope = scope._parent

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def flat(self) -> dict[str, Any]:
        return {name: self[name] for name in self}
