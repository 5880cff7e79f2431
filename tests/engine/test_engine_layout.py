"""How the source is put together, checked from the source itself (ast) and a fresh interpreter.

- The flow model is data: loading a flow needs the flow package only, with no engine imported.
- The engine's registry gives every step kind a behaviour.
- No import cycle between modules, counting every import (in functions and under
  TYPE_CHECKING too): a cycle is a knot that grows until a module can no longer be read on
  its own.
- No private name (a leading `_`) is used outside its package.
- The engine keeps no mutable state at module level: what a run learns belongs to the run.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from voicewipe.flow.steps import KINDS
from voicewipe.steps import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"


@dataclass(frozen=True)
class Module:
    name: str  # voicewipe.flow.model; a package by its own name (voicewipe.flow)
    path: Path
    is_package: bool

    @property
    def package(self) -> str:
        return self.name if self.is_package else self.name.rpartition(".")[0]

    def tree(self) -> ast.Module:
        return ast.parse(self.path.read_text(encoding="utf-8"), str(self.path))


def _modules() -> dict[str, Module]:
    found = {}
    for path in sorted((SRC / "voicewipe").rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        found[name] = Module(name, path, is_package)
    return found


MODULES = _modules()


def _imported(module: Module) -> Iterator[tuple[str, str | None]]:
    """Every voicewipe module an import statement names, anywhere in the module, with the
    name taken from it (None for `import x`)."""
    for node in ast.walk(module.tree()):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.package.split(".")[
                    : len(module.package.split(".")) - node.level + 1
                ]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                yield base, alias.name


def _resolve(dotted: str) -> str | None:
    """The module a dotted name is, or is in (a name imported from it)."""
    while dotted and dotted not in MODULES:
        dotted = dotted.rpartition(".")[0]
    return dotted or None


def _targets(module: Module, base: str, name: str | None) -> set[str]:
    """The modules an import runs: the one named (a submodule, when `name` is one) and the
    packages above it, whose __init__ Python runs first."""
    if not base.startswith("voicewipe"):
        return set()
    named = _resolve(f"{base}.{name}" if name and f"{base}.{name}" in MODULES else base)
    if named is None:
        return set()
    parts = named.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts) + 1)}


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module in MODULES.values():
        edges: set[str] = set()
        for base, name in _imported(module):
            edges |= _targets(module, base, name)
        edges.discard(module.name)
        if module.is_package:  # a package's __init__ may import its own submodules
            edges = {edge for edge in edges if not edge.startswith(module.name + ".")}
        graph[module.name] = edges
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph, as the modules along it, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


# --- The flow model is data ---------------------------------------------------------------


def test_the_loader_alone_loads_a_flow_without_the_engine():
    """Importing the loader is all that loading and validating a flow takes: the union of step
    kinds is complete without importing voicewipe.steps, and the engine stays unimported."""
    script = textwrap.dedent(
        """
        import sys
        from voicewipe.flow.loader import load_flow

        flows = ["flows/examples/sample.yaml"] + [
            f"flows/alexa/{name}.yaml"
            for name in ("sign-in", "records", "list", "audio", "delete", "auto-delete", "doctor")
        ]
        for path in flows:
            flow = load_flow(path)
            assert flow.steps, path
        engine = ("voicewipe.steps", "voicewipe.runner")
        print("engine:", sorted(name for name in sys.modules if name.startswith(engine)))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "engine: []\n"


def test_the_flow_package_imports_nothing_of_the_engine():
    engine = ("voicewipe.steps", "voicewipe.runner", "voicewipe.alexa", "voicewipe.cli")
    found = [
        f"{module.name} imports {target}"
        for module in MODULES.values()
        if module.name.startswith("voicewipe.flow")
        for base, name in _imported(module)
        for target in _targets(module, base, name)
        if target.startswith(engine)
    ]
    assert found == []


def test_every_step_kind_has_a_behaviour():
    assert set(REGISTRY) == set(KINDS)
    assert len(KINDS) == len(set(KINDS)) == 25


# --- Imports ------------------------------------------------------------------------------


def test_the_import_graph_has_no_cycle():
    graph = _graph()
    assert "voicewipe.steps" in graph["voicewipe.runner.runner"]  # the graph sees imports
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_the_cycle_finder_finds_cycles():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def test_no_private_name_is_used_outside_its_package():
    """Neither `from m import _helper`, `import m._private`, nor `module._helper` across
    packages: what another package may use is public, and says so by its name."""
    found = []
    for module in MODULES.values():
        modules_by_alias: dict[str, str] = {}
        for node in ast.walk(module.tree()):
            if isinstance(node, ast.ImportFrom | ast.Import):
                for alias in node.names:
                    base = node.module if isinstance(node, ast.ImportFrom) else alias.name
                    if not (base or "").startswith("voicewipe"):
                        continue
                    full = f"{base}.{alias.name}" if isinstance(node, ast.ImportFrom) else base
                    target = MODULES.get(_resolve(full) or "")
                    if target is None:
                        continue
                    if full in MODULES and (isinstance(node, ast.ImportFrom) or alias.asname):
                        modules_by_alias[alias.asname or alias.name] = full
                    if target.package != module.package and any(
                        _private(part) for part in full.split(".")
                    ):
                        found.append(f"{module.name} imports {full}")
        for node in ast.walk(module.tree()):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in modules_by_alias
                and _private(node.attr)
            ):
                target = MODULES[modules_by_alias[node.value.id]]
                if target.package != module.package:
                    found.append(f"{module.name} uses {target.name}.{node.attr}")
    assert found == []


# --- State --------------------------------------------------------------------------------

# Calls that make a container to fill later, and the caches that keep what they computed.
_MUTABLE_CALLS = frozenset(
    {"dict", "list", "set", "defaultdict", "deque", "OrderedDict", "Counter"}
    | {"WeakKeyDictionary", "WeakValueDictionary", "WeakSet"}
)
_CACHES = frozenset({"lru_cache", "cache", "cached_property"})


def _call_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Call):
        func = node.func
        return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if isinstance(node, ast.Attribute | ast.Name):
        return node.attr if isinstance(node, ast.Attribute) else node.id
    return None


def test_the_engine_keeps_no_mutable_state_at_module_level():
    """Module-level dicts, lists, sets and caches in the engine and the flow model would be
    shared by every run in a process (the tests run many): a run's state belongs to the run.
    Constant tables are read-only (frozenset, MappingProxyType, tuples). template.py keeps an
    lru_cache of its one immutable environment and of compiled templates, which are the same
    for every run."""
    found = []
    for module in MODULES.values():
        if not module.name.startswith(("voicewipe.flow", "voicewipe.steps", "voicewipe.runner")):
            continue
        if module.name == "voicewipe.flow.template":
            continue
        for node in module.tree().body:
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                # Names only: `_FlowLoader.yaml_implicit_resolvers = {...}` configures a class
                # the way PyYAML asks, once, and no run changes it.
                names = [t.id for t in targets if isinstance(t, ast.Name)]
                if not names or names == ["__all__"]:
                    continue
                value = node.value
                displays = ast.Dict | ast.List | ast.Set | ast.DictComp | ast.ListComp | ast.SetComp
                if isinstance(value, displays) or (
                    isinstance(value, ast.Call) and _call_name(value) in _MUTABLE_CALLS
                ):
                    found.append(f"{module.name}: {', '.join(names)}")
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
                _call_name(decorator) in _CACHES for decorator in node.decorator_list
            ):
                found.append(f"{module.name}: {node.name} (cached)")
    assert found == []
