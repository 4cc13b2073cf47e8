"""Generate Unit Test Scaffold: a pytest function for the function under the cursor, in `tests/test_<module>.py`."""

from __future__ import annotations

import ast
import builtins
import keyword
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from inkling.completion.examples import PATH_IMPORT, example
from inkling.completion.summary import parse_with_line_starts
from inkling.style.detect import Style, detect

Function = ast.FunctionDef | ast.AsyncFunctionDef
MAX_ASSERTIONS = 2
_PROPERTY = re.compile(r"^(?:\w+\.)?(?:property|cached_property)$|\.(?:setter|getter|deleter)$")
_BUILTINS = frozenset(dir(builtins))


@dataclass(frozen=True)
class Param:
    """A parameter the test must pass: its name, its annotation's source, and whether it is keyword-only."""

    name: str
    annotation: str | None
    keyword: bool = False


@dataclass(frozen=True)
class Plan:
    """What to test: the function, where it is imported from, and what the test needs to call it."""

    module: str  # dotted import path: `from <module> import <owner or name>`
    test_path: Path
    name: str
    owner: str | None  # the class, for a method
    kind: str  # "function", "method", "static" (static or class method), "property" or "init"
    is_async: bool
    params: tuple[Param, ...]
    init_params: tuple[Param, ...]  # the class's constructor, for a method or a property
    returns_none: bool
    returns: str | None  # the result's class when the signature says (`-> int`; the class, for __init__)
    style: Style  # the source file's, for a test file that does not exist yet


@dataclass(frozen=True)
class Scaffold:
    """The whole new text of the test file, and whether the file has to be created."""

    test_path: Path
    create: bool
    text: str
    generated: int = 0  # assertion lines that came from `complete_line` (the rest are fallbacks)


def plan(source: str, offset: int, path: Path, root: Path) -> Plan | None:
    """The function or method whose `def` line (its signature) holds `offset`; None when the source does not
    parse, there is none, or it cannot be imported (nested in a function or a nested class, odd file name)."""
    parsed = parse_with_line_starts(source)
    if parsed is None:
        return None
    tree, starts = parsed
    for node, chain in _functions(tree, ()):
        end = starts[max(node.lineno, node.body[0].lineno - 1)]  # the start of the line after the signature
        if not (starts[node.lineno - 1] <= offset < end or offset == end == len(source)):
            continue
        if any(not isinstance(c, ast.ClassDef) for c in chain) or len(chain) > 1:
            return None
        where = module_path(path, root)
        if where is None:
            return None
        owner = chain[0] if chain else None
        assert owner is None or isinstance(owner, ast.ClassDef)
        return _plan(node, owner, *where, detect(source))
    return None


def _functions(node: ast.AST, chain: tuple[ast.AST, ...]) -> Iterator[tuple[Function, tuple[ast.AST, ...]]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, Function):
            yield child, chain
        inner = isinstance(child, Function | ast.ClassDef | ast.Lambda)
        yield from _functions(child, (*chain, child) if inner else chain)


def module_path(path: Path, root: Path) -> tuple[str, Path] | None:
    """The dotted module of `path` (from the top-most folder that still has `__init__.py`, `src/` left out)
    and its test file `root/tests/test_<stem>.py`; None when it cannot be imported by that name."""
    try:
        parts = list(path.resolve().relative_to(root.resolve()).parts)
    except ValueError:
        parts = [path.name]
    base = root
    if len(parts) > 1 and parts[0] == "src":
        base, parts = root / "src", parts[1:]
    folders, stem = parts[:-1], Path(parts[-1]).stem
    top = len(folders)
    while top > 0 and (base.joinpath(*folders[:top]) / "__init__.py").exists():
        top -= 1
    dotted = folders[top:] if stem == "__init__" else [*folders[top:], stem]
    if not dotted or not all(p.isidentifier() and not keyword.iskeyword(p) for p in dotted):
        return None
    return ".".join(dotted), root / "tests" / f"test_{dotted[-1]}.py"


def _plan(node: Function, owner: ast.ClassDef | None, module: str, test_path: Path, style: Style) -> Plan:
    decorators = [ast.unparse(d) for d in node.decorator_list]
    kind = "function"
    if owner is not None:
        if node.name in ("__init__", "__new__"):
            kind = "init"
        elif any(d.endswith("staticmethod") or d.endswith("classmethod") for d in decorators):
            kind = "static"
        elif any(_PROPERTY.search(d) for d in decorators):
            kind = "property"
        else:
            kind = "method"
    skip_first = owner is not None and not any(d.endswith("staticmethod") for d in decorators)
    init_params = _init_params(owner) if kind in ("method", "property") else ()
    returns_none = kind != "init" and _returns_none(node)
    is_async = isinstance(node, ast.AsyncFunctionDef)
    params = _params(node, skip_first)
    owner_name = owner.name if owner is not None else None
    returns = owner_name if kind == "init" else _result_class(node)
    return Plan(
        module,
        test_path,
        node.name,
        owner_name,
        kind,
        is_async,
        params,
        init_params,
        returns_none,
        returns,
        style,
    )


def _params(node: Function, skip_first: bool) -> tuple[Param, ...]:
    """Positional parameters without defaults, then keyword-only ones without defaults."""
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    required = len(positional) - len(args.defaults)
    keyword_only = [a for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is None]
    return tuple(
        Param(a.arg, ast.unparse(a.annotation) if a.annotation else None, a in keyword_only)
        for a in positional[int(skip_first) : max(required, int(skip_first))] + keyword_only
    )


def _init_params(owner: ast.ClassDef | None) -> tuple[Param, ...]:
    """The constructor's parameters: its own `__init__`, or a dataclass's / NamedTuple's fields, or none."""
    if owner is None:
        return ()
    inits = [n for n in owner.body if isinstance(n, Function) and n.name == "__init__"]
    if inits:
        return _params(inits[-1], skip_first=True)
    marks = [ast.unparse(d) for d in owner.decorator_list] + [ast.unparse(b) for b in owner.bases]
    if not any(re.search(r"\bdataclass\b|\bNamedTuple$", m) for m in marks):
        return ()
    return tuple(
        Param(n.target.id, ast.unparse(n.annotation))
        for n in owner.body
        if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name) and n.value is None
        if "ClassVar" not in ast.unparse(n.annotation)
    )


_BUILTIN_RESULTS = {"int", "float", "str", "bytes", "bool", "list", "dict", "tuple", "set", "frozenset"}
_TYPING_ALIASES = {"List": "list", "Dict": "dict", "Tuple": "tuple", "Set": "set", "FrozenSet": "frozenset"}


def _result_class(node: Function) -> str | None:
    """The builtin class a function's return annotation names (`list[str]` → `list`), else None."""
    annotation = node.returns
    if isinstance(annotation, ast.Subscript):
        annotation = annotation.value
    if isinstance(annotation, ast.Attribute):  # `t.List`, `typing.Dict`
        annotation = ast.Name(annotation.attr)
    if not isinstance(annotation, ast.Name):
        return None
    name = _TYPING_ALIASES.get(annotation.id, annotation.id)
    return name if name in _BUILTIN_RESULTS and not node.name.startswith("__") else None


def _returns_none(node: Function) -> bool:
    """Annotated `-> None`, or no annotation, no `return <value>` and no `yield`."""
    if node.returns is not None:
        return ast.unparse(node.returns) in ("None", "'None'", '"None"')
    return not any(
        isinstance(n, ast.Yield | ast.YieldFrom) or (isinstance(n, ast.Return) and n.value is not None)
        for n in _own_nodes(node)
    )


def _own_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a function's body, not those of functions or classes nested in it."""
    for child in ast.iter_child_nodes(node):
        yield child
        if not isinstance(child, Function | ast.ClassDef | ast.Lambda):
            yield from _own_nodes(child)


# ------------------------------------------------------------------------------------------------ build


def build(plan: Plan, existing: str | None, complete_line: Callable[[str], str]) -> Scaffold:
    """The test file with the new test at its end; `complete_line(prefix)` proposes the rest of an
    `assert ` line (a proposal is kept only when the file still parses and it tests `result`)."""
    crlf = existing is not None and "\r\n" in existing
    old = (existing or "").replace("\r\n", "\n")
    style = detect(old) if old.strip() else plan.style
    try:
        tree: ast.Module | None = ast.parse(old)
    except (SyntaxError, ValueError):
        tree = None
    taken = _names(tree) if tree is not None else set(re.findall(r"(?m)^(?:async\s+)?def\s+(\w+)", old))
    # pathlib's Path by its module when `Path` is another name here (click.types.Path, say)
    qualify = (plan.owner or plan.name) == "Path" or ("Path" in taken and not _has_import(tree, PATH_IMPORT))
    imports, lines = _test_body(plan, style, taken, qualify)
    base = f"test_{plan.owner}_{plan.name}" if plan.owner else f"test_{plan.name}"
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}_{n}"
    indent = style.indent
    head = f"def {name}() -> None:\n" + "".join(f"{indent}{line}\n" for line in lines)
    gap = "\n" * style.blank_lines_top
    kept = ""  # a broken test file stays as it is, the imports come with the test, and only they are checked
    if tree is None:
        kept = old.rstrip("\n") + "\n" + gap if old.strip() else ""
        top = kept + "\n".join(imports) + "\n" + gap
    elif not old.strip():
        std = imports[:-1]  # the standard library's, a blank line, then the code under test's
        top = "".join(f"{i}\n" for i in std) + ("\n" if std else "") + imports[-1] + "\n" + gap
    else:
        missing = [i for i in imports if not _has_import(tree, i)]
        top = _insert_imports(old, tree, missing).rstrip("\n") + "\n" + gap

    def compose(asserts: list[str]) -> str:
        return top + head + "".join(f"{indent}assert {a}\n" for a in asserts)

    accepted: list[str] = []
    while not plan.returns_none and len(accepted) < MAX_ASSERTIONS:
        prefix = compose(accepted) + indent + "assert "
        try:
            proposal = complete_line(prefix).split("\n", 1)[0].strip()
        except Exception:  # the model failing costs the generated lines, never the scaffold
            proposal = ""
        if (
            not proposal
            or proposal in accepted
            or not _good(compose([*accepted, proposal])[len(kept) :], proposal)
        ):
            break
        accepted.append(proposal)
    text = compose(accepted)
    try:
        ast.parse(text[len(kept) :])
    except (SyntaxError, ValueError):
        accepted = []
    if not accepted:
        text = compose([_fallback(plan)])
    if crlf:
        text = text.replace("\n", "\r\n")
    return Scaffold(plan.test_path, existing is None, text, len(accepted))


def _fallback(plan: Plan) -> str:
    """The assertion the signature supports when the model proposes none."""
    if plan.returns_none:
        return "result is None"
    return f"isinstance(result, {plan.returns})" if plan.returns else "result is not None"


def _test_body(plan: Plan, style: Style, taken: set[str], qualify: bool) -> tuple[list[str], list[str]]:
    """The import lines and the test's body lines before its assertions."""
    imports: list[str] = []
    call_args = _arguments(plan.params, style, imports, qualify)
    lines: list[str] = []
    target = plan.owner or plan.name
    if plan.kind == "function":
        call = f"{plan.name}({call_args})"
    elif plan.kind == "init":
        call = f"{plan.owner}({call_args})"
    elif plan.kind == "static":
        call = f"{plan.owner}.{plan.name}({call_args})"
    else:
        var = _variable(target, taken)
        lines.append(f"{var} = {plan.owner}({_arguments(plan.init_params, style, imports, qualify)})")
        call = f"{var}.{plan.name}" + ("" if plan.kind == "property" else f"({call_args})")
    if plan.is_async and plan.kind != "property":
        call = f"asyncio.run({call})"
        imports.insert(0, "import asyncio")
    lines.append(f"result = {call}")
    imports.append(f"from {plan.module} import {target}")
    return list(dict.fromkeys(imports)), lines


def _arguments(params: tuple[Param, ...], style: Style, imports: list[str], qualify: bool) -> str:
    parts = []
    for p in params:
        value = example(p.annotation, p.name, style.quote)
        code = value.code
        if qualify and value.imports == (PATH_IMPORT,):
            code, value = f"pathlib.{code}", replace(value, imports=("import pathlib",))
        imports.extend(value.imports)
        parts.append(f"{p.name}={code}" if p.keyword else code)
    return ", ".join(parts)


def _variable(class_name: str, taken: set[str]) -> str:
    """`CliRunner` → `cli_runner`; `instance` when that would clash with a name the test uses."""
    snake = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", class_name))
    snake = snake.lower().strip("_")
    clash = snake in taken or snake in _BUILTINS or snake in ("result", class_name, "asyncio", "Path")
    return "instance" if clash or not snake.isidentifier() or keyword.iskeyword(snake) else snake


def _insert_imports(old: str, tree: ast.Module, missing: list[str]) -> str:
    """`old` with the missing import lines after its last import above its first def or class (or after its
    docstring, or at its top)."""
    if not missing:
        return old
    lines = old.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    body = tree.body
    first = next((i for i, n in enumerate(body) if isinstance(n, Function | ast.ClassDef)), len(body))
    last = [n for n in body[:first] if isinstance(n, ast.Import | ast.ImportFrom)]
    block = "\n".join(missing) + "\n"
    if last:
        at = last[-1].end_lineno or last[-1].lineno
    else:
        has_doc = ast.get_docstring(tree, clean=False) is not None
        at = (body[0].end_lineno or 1) if has_doc else 0
        block = ("\n" if has_doc else "") + block
        following = lines[at] if at < len(lines) else ""
        block += "\n" if following.strip() else ""
    return "".join(lines[:at]) + block + "".join(lines[at:])


def _has_import(tree: ast.Module | None, line: str) -> bool:
    """Whether a top-level statement of `tree` already makes the same import (`import X`, `from M import N`)."""
    for node in tree.body if tree is not None else []:
        if isinstance(node, ast.Import):
            made = {f"import {a.name}" for a in node.names if a.asname is None}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            made = {f"from {node.module} import {a.name}" for a in node.names if a.asname in (None, a.name)}
        else:
            continue
        if line in made:
            return True
    return False


def _names(scope: ast.AST) -> set[str]:
    """The names a module or function binds in its own scope (not those of the functions inside it)."""
    out: set[str] = set()
    for node in _own_nodes(scope):
        if isinstance(node, Function | ast.ClassDef):
            out.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            out.add(node.id)
        elif isinstance(node, ast.alias):
            out.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.arg):
            out.add(node.arg)
    return out


def _good(text: str, proposal: str) -> bool:
    """A proposed assertion is kept when the file parses, it reads `result`, has no `...` placeholder, and
    every name it reads is bound in the file or a builtin."""
    try:
        tree = ast.parse(text)
        test = ast.parse(f"assert {proposal}").body[0]
    except (SyntaxError, ValueError):
        return False
    read = {n.id for n in ast.walk(test) if isinstance(n, ast.Name)}
    if "result" not in read or any(isinstance(n, ast.Constant) and n.value is ... for n in ast.walk(test)):
        return False
    return read <= _names(tree) | _names(tree.body[-1]) | _BUILTINS  # the new test is the file's last
