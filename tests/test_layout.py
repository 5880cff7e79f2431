"""The layout keeps its promises: the product (everything but the mock site and the command
line's plug for it) never imports the mock, and the parts stay small enough to read: no module
in src over 350 lines, no function over 60."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

SRC = Path(__file__).resolve().parents[1] / "src" / "voicewipe"
# The mock site itself, and the command line's two doors to it (--mock, `voicewipe mock-site`).
MOCK_SIDE = {"mock", "cli/mocksite.py", "cli/mock_site.py"}


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "flows" not in p.relative_to(SRC).parts)


def _on_mock_side(path: Path) -> bool:
    relative = path.relative_to(SRC).as_posix()
    return relative in MOCK_SIDE or relative.split("/")[0] in MOCK_SIDE


def _imports(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_the_product_does_not_import_the_mock_site():
    offenders = [
        f"{path.relative_to(SRC)} imports {name}"
        for path in _modules()
        if not _on_mock_side(path)
        for name in _imports(ast.parse(path.read_text(encoding="utf-8")))
        if name == "voicewipe.mock" or name.startswith("voicewipe.mock.")
    ]
    assert not offenders, offenders


def test_modules_and_functions_stay_small():
    too_long = []
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > 350:
            too_long.append(f"{path.relative_to(SRC)}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > 60:
                    too_long.append(f"{path.relative_to(SRC)}: {node.name}() {length} lines")
    assert not too_long, too_long
