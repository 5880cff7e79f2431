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
from types import MappingProxyType
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.reader import ReaderError

from voicewipe.errors import FlowError, Location

LocPath = Sequence[str | int]


# Limits that keep a hostile or broken file from hanging the loader or eating the memory: the
# composer and everything after it recurse once per level of nesting, and aliases can repeat a
# value exponentially often (the "billion laughs") while the file stays a few lines long. No
# real flow comes near either limit (the shipped ones nest 14 deep and use no aliases).
MAX_DEPTH = 100
MAX_ALIASED_VALUES = 100_000
# Python refuses to convert longer digit strings; no flow needs a number beyond 64 bits.
_MAX_NUMBER_TEXT = 100
_MAX_NUMBER_BITS = 64

_WHAT = MappingProxyType(
    {
        "tag:yaml.org,2002:int": "a whole number",
        "tag:yaml.org,2002:float": "a number",
        "tag:yaml.org,2002:bool": "true or false",
        "tag:yaml.org,2002:timestamp": "a date",
    }
)


def _short(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")


class _FlowLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2's booleans (only true and false), limits on nesting and
    aliases, and a located error for every value it cannot build.

    YAML 1.1 also reads on, off, yes and no as booleans, which would turn retry's `on:` key
    into True ("Keys should be strings"). Fields that take true/false still accept "yes".
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._open_anchors: list[str | None] = []  # anchors of the collections being composed

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event: Any = self.peek_event()  # type: ignore[no-untyped-call]
        mark: Any = event.start_mark
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in self._open_anchors:
                raise ComposerError(
                    None,
                    None,
                    f"alias *{event.anchor} stands for the value that holds it (a loop)",
                    mark,
                )
            return super().compose_node(parent, index)
        if self._depth >= MAX_DEPTH:
            raise ComposerError(
                None, None, f"values nested more than {MAX_DEPTH} levels deep", mark
            )
        self._depth += 1
        self._open_anchors.append(event.anchor)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1
            self._open_anchors.pop()

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        # PyYAML builds tagged or date-like scalars with int(), float(), datetime.date() and
        # dict lookups, whose errors are not YAML errors: `2024-13-40`, `!!int abc`.
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError):
            what = _WHAT.get(node.tag, f"a {node.tag.rsplit(':', 1)[-1]} value")
            text = node.value if isinstance(node.value, str) else "this value"
            raise ConstructorError(
                None,
                None,
                f"{_short(text)} is not {what}; put it in quotes if it is meant as text",
                node.start_mark,
            ) from None

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        if len(node.value.replace("_", "")) <= _MAX_NUMBER_TEXT:
            value = int(super().construct_yaml_int(node))
            if value.bit_length() <= _MAX_NUMBER_BITS:
                return value
        raise ConstructorError(
            None,
            None,
            f"{_short(node.value)} is not a whole number of at most {_MAX_NUMBER_BITS} bits",
            node.start_mark,
        )


_BOOL = "tag:yaml.org,2002:bool"
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_FlowLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_FlowLoader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_FlowLoader.add_constructor("tag:yaml.org,2002:int", _FlowLoader.construct_yaml_int)


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
    """Refuse duplicate keys and keys that are not text, which PyYAML would silently accept
    (and which would turn up later as confusing messages about the values)."""
    stack, seen_nodes = [node], set()
    while stack:
        current = stack.pop()
        if id(current) in seen_nodes:
            continue  # an alias: its value was checked where it was anchored
        seen_nodes.add(id(current))
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, yaml.Node] = {}
            for key_node, value_node in current.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise FlowError(
                        "keys must be plain names",
                        location=mark_location(file, key_node.start_mark),
                    )
                if key_node.tag not in (_STR, _MERGE):
                    raise FlowError(
                        f"key {key_node.value!r} is not text; put it in quotes if it is meant as "
                        "a name",
                        location=mark_location(file, key_node.start_mark),
                    )
                if key_node.value in seen:
                    first = seen[key_node.value].start_mark.line + 1
                    raise FlowError(
                        f"duplicate key {key_node.value!r} (first given on line {first})",
                        location=mark_location(file, key_node.start_mark),
                    )
                seen[key_node.value] = key_node
                stack.append(value_node)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def _check_aliases(file: str, root: yaml.Node) -> None:
    """Refuse aliases that repeat values into more than MAX_ALIASED_VALUES: ten lines of
    anchors can stand for a billion values, which everything after the parser would walk."""
    sizes: dict[int, int] = {}
    shared: dict[int, yaml.Node] = {}

    def size(node: yaml.Node) -> int:  # recursion is bounded by MAX_DEPTH
        if id(node) in sizes:
            shared[id(node)] = node
            return sizes[id(node)]
        total = 1
        if isinstance(node, yaml.MappingNode):
            total += sum(size(key) + size(value) for key, value in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        sizes[id(node)] = total
        return total

    if size(root) - len(sizes) > MAX_ALIASED_VALUES:
        biggest = max(shared.values(), key=lambda node: sizes[id(node)])
        raise FlowError(
            f"the aliases of this value make more than {MAX_ALIASED_VALUES} values in all "
            "(a 'billion laughs'?); write the values out, or use fewer aliases",
            location=mark_location(file, biggest.start_mark),
        )


def _reader_location(file: str, text: str, position: int) -> Location:
    before = text[:position]
    return Location(file, before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1)


def parse_yaml(
    text: str, file: str, *, needs: str = "a flow needs at least a name and steps"
) -> YamlDoc:
    """Parse one YAML document safely; every YAML error becomes a located FlowError. `needs`
    says what the file should hold, for an empty one."""
    try:
        loader = _FlowLoader(text)
        try:
            root = loader.get_single_node()
            if root is None:
                raise FlowError(f"the file is empty: {needs}", location=Location(file, 1, 1))
            _check_aliases(file, root)
            _check_keys(file, root)
            data = loader.construct_document(root)
        finally:
            loader.dispose()
    except ReaderError as error:
        # A control character (NUL, say) or a non-character: PyYAML's message names a
        # position in two lines; ours names the line and column in one.
        code = error.character if isinstance(error.character, int) else ord(error.character)
        raise FlowError(
            f"invalid YAML: character U+{code:04X} is not allowed in YAML (a control character "
            "or a non-character); delete it",
            location=_reader_location(file, text, error.position),
        ) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        raise FlowError(f"invalid YAML: {problem}", location=mark_location(file, mark)) from None
    except yaml.YAMLError as error:
        first_line = str(error).splitlines()[0] if str(error) else "invalid YAML"
        raise FlowError(f"invalid YAML: {first_line}", location=Location(file, 1, 1)) from None
    return YamlDoc(file, data, root)


def load_yaml(path: Path, *, needs: str = "a flow needs at least a name and steps") -> YamlDoc:
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
    return parse_yaml(text, file, needs=needs)
