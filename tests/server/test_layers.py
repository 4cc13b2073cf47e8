"""Layers are law: heavy libraries stay in their layer (only training/ imports torch, style/ libcst, lsp/
pygls/lsprotocol, context/ jedi/parso), each layer imports only the layers below it (so serving/ never imports
torch, not even through training/), and no module imports itself back through others."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "server" / "inkling"
RULES = {
    "torch": "training",
    "libcst": "style",
    "pygls": "lsp",
    "lsprotocol": "lsp",
    "jedi": "context",
    "parso": "context",
}
# The package's own layers each layer may import; the root modules (errors, atomic, specials, settings, the
# version) are shared by all, and cli.py, at the top, may import anything.
BELOW = {
    "lsp": {"completion", "style"},
    "completion": {"serving", "context", "style", "data"},
    "eval": {"completion", "serving", "training", "data"},
    "training": {"serving", "data"},
    "data": {"style"},
    "serving": set(),
    "context": set(),
    "style": set(),
}


def _layer(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else parts[0].removesuffix(".py")


def _module(path: Path) -> str:
    parts = [*path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(["inkling", *(parts[:-1] if parts[-1] == "__init__" else parts)])


def _imports(path: Path, top_level_only: bool = False) -> set[str]:
    """The modules `path` imports (`from inkling import x` as `inkling.x`); with `top_level_only`, those
    imported when the module loads: not inside a function or an `if TYPE_CHECKING:` block."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes: list[ast.AST] = []
    if top_level_only:
        for node in tree.body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                nodes.extend(ast.walk(node))
    else:
        nodes = list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_heavy_imports_stay_in_their_layer() -> None:
    files = list(PACKAGE.rglob("*.py"))
    assert len(files) > 20
    violations = []
    for path in files:
        for root in {name.split(".")[0] for name in _imports(path)} & RULES.keys():
            if _layer(path) != RULES[root]:
                violations.append(f"{path.relative_to(PACKAGE)} imports {root}")
    assert violations == []


def test_each_layer_imports_only_the_layers_below_it() -> None:
    violations = []
    for path in PACKAGE.rglob("*.py"):
        layer = _layer(path)
        if layer not in BELOW:
            continue
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] != "inkling" or len(parts) < 2 or parts[1] == layer or parts[1] not in BELOW:
                continue
            if parts[1] not in BELOW[layer]:
                violations.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert violations == []


def test_the_import_graph_has_no_circle() -> None:
    modules = {_module(path): path for path in PACKAGE.rglob("*.py")}
    edges = {
        name: {m for m in _imports(path, top_level_only=True) if m in modules and m != name}
        for name, path in modules.items()
    }
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    circles: list[str] = []

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(edges[name]):
            if state.get(target) == 1:
                circles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[name] = 2

    for name in sorted(modules):
        if name not in state:
            visit(name, [name])
    assert circles == []


def test_every_module_says_what_it_is_for() -> None:
    missing = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if not ast.get_docstring(ast.parse(p.read_text()))
    ]
    assert missing == []
