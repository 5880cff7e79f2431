"""Safe YAML loading that remembers where every value came from.

PyYAML's SafeLoader builds no Python objects beyond plain data, so a flow cannot run code. We
keep the composed node tree next to the data: a schema error's key path is walked down that
tree to give the line and column of the offending value, as in `flows/x.yaml:14:7`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from voicewipe.errors import FlowError, Location

LocPath = Sequence[str | int]


class _FlowLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2's booleans: only true and false.

    YAML 1.1 also reads on, off, yes and no as booleans, which would turn retry's `on:` key
    into True ("Keys should be strings"). Fields that take true/false still accept "yes".
    """


_BOOL = "tag:yaml.org,2002:bool"
_FlowLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_FlowLoader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass(frozen=True)
class YamlDoc:
    """A loaded YAML document: its plain data and the node tree it was built from."""

    file: str
    data: Any
    root: yaml.Node

    def node_at(self, path: LocPath) -> tuple[yaml.Node, bool]:
        """The deepest node along `path`, and whether the last step was a mapping key.

        Path elements that name no child (pydantic's union tags, say) are passed over.
        """
        node, on_key = self.root, False
        for part in path:
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if key_node.value == part:
                        node, on_key = value_node, False
                        break
            elif (
                isinstance(node, yaml.SequenceNode)
                and isinstance(part, int)
                and 0 <= part < len(node.value)
            ):
                node, on_key = node.value[part], False
        return node, on_key

    def key_node(self, path: LocPath) -> yaml.Node | None:
        """The key node of the last element of `path` in its mapping (for unknown keys)."""
        if not path:
            return None
        parent, _ = self.node_at(path[:-1])
        if isinstance(parent, yaml.MappingNode):
            for key_node, _value in parent.value:
                if key_node.value == path[-1]:
                    found: yaml.Node = key_node
                    return found
        return None

    def location(self, path: LocPath, *, key: bool = False) -> Location:
        node = self.key_node(path) if key else None
        if node is None:
            node, _ = self.node_at(path)
        return mark_location(self.file, node.start_mark)


def mark_location(file: str, mark: yaml.Mark | None) -> Location:
    if mark is None:
        return Location(file, 1, 1)
    return Location(file, mark.line + 1, mark.column + 1)


def display_path(path: Path) -> str:
    """A path as a person would type it: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _check_keys(file: str, node: yaml.Node) -> None:
    """Refuse duplicate keys and non-string keys, which PyYAML would silently accept."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, yaml.Node] = {}
            for key_node, value_node in current.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise FlowError(
                        "keys must be plain names",
                        location=mark_location(file, key_node.start_mark),
                    )
                if key_node.value in seen:
                    first = seen[key_node.value].start_mark.line + 1
                    raise FlowError(
                        f"duplicate key '{key_node.value}' (first given on line {first})",
                        location=mark_location(file, key_node.start_mark),
                    )
                seen[key_node.value] = key_node
                stack.append(value_node)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def parse_yaml(text: str, file: str) -> YamlDoc:
    """Parse one YAML document safely; every YAML error becomes a located FlowError."""
    try:
        loader = _FlowLoader(text)
        try:
            root = loader.get_single_node()
            if root is None:
                raise FlowError(
                    "the file is empty: a flow needs at least a name and steps",
                    location=Location(file, 1, 1),
                )
            _check_keys(file, root)
            data = loader.construct_document(root)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        raise FlowError(f"invalid YAML: {problem}", location=mark_location(file, mark)) from None
    except yaml.YAMLError as error:
        raise FlowError(f"invalid YAML: {error}", location=Location(file, 1, 1)) from None
    return YamlDoc(file, data, root)


def load_yaml(path: Path) -> YamlDoc:
    file = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FlowError(f"{file}: no such file") from None
    except IsADirectoryError:
        raise FlowError(f"{file}: is a folder, not a flow file") from None
    except UnicodeDecodeError as error:
        raise FlowError(f"{file}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except OSError as error:
        raise FlowError(f"{file}: cannot read ({error.strerror})") from None
    return parse_yaml(text, file)
