"""Rendering a flow's values: nested data with templates inside, one value or many at once.

Both raise TemplateProblem, like the rest of templating; the engine adds what a step's
failure needs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from voicewipe.flow import template


def render_data(value: Any, variables: Mapping[str, Any]) -> Any:
    """Render every string inside nested maps and lists (a request's JSON body, say)."""
    if isinstance(value, str):
        return template.render(value, variables)
    if isinstance(value, dict):
        return {k: render_data(v, variables) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [render_data(v, variables) for v in value]
    return value


class _Bound(Mapping[str, Any]):
    """The variables, with one more name bound (an item of `each`)."""

    def __init__(self, name: str, value: Any, variables: Mapping[str, Any]) -> None:
        self.name, self.value, self.variables = name, value, variables

    def __getitem__(self, key: str) -> Any:
        return self.value if key == self.name else self.variables[key]

    def __iter__(self) -> Iterator[str]:
        yield self.name
        yield from (key for key in self.variables if key != self.name)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class Shape:
    """A value rendered for many items (write's `each`): its whole-expression fields
    evaluated in one go per item. A 100,000-record export would otherwise spend most of its
    time starting a template a dozen times per record.

    The fields are gathered into one list expression, `[(e1), (e2), ...]`, each kept as it was
    written; the value is rebuilt around the results. Should that one evaluation fail, the
    fields are rendered one by one, so that the error names the field as it always did.
    """

    def __init__(self, value: Any) -> None:
        self.value = value
        self.exprs: list[str] = []
        self.skeleton = self._gather(value)
        self.joined = "[" + ", ".join(f"({e})" for e in self.exprs) + "]"

    def _gather(self, value: Any) -> Any:
        if isinstance(value, str):
            whole = template._whole_expression(value) if template.is_template(value) else None
            if whole is None:
                return ("text", value)
            self.exprs.append(whole)
            return ("expr", len(self.exprs) - 1)
        if isinstance(value, dict):
            return {k: self._gather(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self._gather(v) for v in value]
        return ("data", value)

    def render_each(self, items: list[Any], name: str, variables: Mapping[str, Any]) -> list[Any]:
        """The value for each of `items`, given as `name`: a page of items in one evaluation.
        Should it fail, each item is rendered on its own, so the error names the field."""
        if len(self.exprs) < 2:
            return [self.render(_Bound(name, item, variables)) for item in items]
        try:
            results = template.evaluate_each(self.joined, name, items, variables)
        except template.TemplateProblem:
            return [self.render(_Bound(name, item, variables)) for item in items]
        return [
            self._build(self.skeleton, values, _Bound(name, item, variables))
            for item, values in zip(items, results, strict=True)
        ]

    def render(self, variables: Mapping[str, Any]) -> Any:
        if len(self.exprs) < 2:
            return render_data(self.value, variables)
        try:
            results = template.evaluate(self.joined, variables)
        except template.TemplateProblem:
            return render_data(self.value, variables)  # fails again, field by field
        return self._build(self.skeleton, results, variables)

    def _build(self, node: Any, results: list[Any], variables: Mapping[str, Any]) -> Any:
        if isinstance(node, dict):
            return {k: self._build(v, results, variables) for k, v in node.items()}
        if isinstance(node, list):
            return [self._build(v, results, variables) for v in node]
        tag, content = node
        if tag == "expr":
            return results[content]
        if tag == "text":
            return template.render(content, variables)
        return content
