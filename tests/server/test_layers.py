"""Layers are law: only lm/ imports torch, style/ libcst, lsp/ pygls/lsprotocol, context/ jedi/parso."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "server" / "inkling"
RULES = {
    "torch": "lm",
    "libcst": "style",
    "pygls": "lsp",
    "lsprotocol": "lsp",
    "jedi": "context",
    "parso": "context",
}


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_heavy_imports_stay_in_their_layer() -> None:
    files = list(PACKAGE.rglob("*.py"))
    assert len(files) > 20
    violations = []
    for path in files:
        layer = path.relative_to(PACKAGE).parts[0]
        for root in _imported_roots(path) & RULES.keys():
            if layer != RULES[root]:
                violations.append(f"{path.relative_to(PACKAGE)} imports {root}")
    assert violations == []


def test_every_module_says_what_it_is_for() -> None:
    missing = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if not ast.get_docstring(ast.parse(p.read_text()))
    ]
    assert missing == []
