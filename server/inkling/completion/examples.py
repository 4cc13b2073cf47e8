"""Example argument values for a generated test, from a parameter's annotation or else from its name."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

PATH_IMPORT = "from pathlib import Path"
_NONE = ("None", "NoneType")
# annotation (its last dotted part) → the example; "text"/"data" take the file's quote
_BY_TYPE = {
    "int": "1",
    "float": "1.0",
    "complex": "1j",
    "bool": "True",
    "str": "{q}text{q}",
    "bytes": "b{q}data{q}",
    "bytearray": "bytearray(b{q}data{q})",
    **dict.fromkeys(("list", "List", "Sequence", "MutableSequence", "Iterable", "Collection"), "[]"),
    **dict.fromkeys(("dict", "Dict", "Mapping", "MutableMapping", "OrderedDict", "defaultdict"), "{{}}"),
    **dict.fromkeys(("tuple", "Tuple"), "()"),
    **dict.fromkeys(("set", "Set", "MutableSet", "AbstractSet"), "set()"),
    **dict.fromkeys(("frozenset", "FrozenSet"), "frozenset()"),
    **dict.fromkeys(("Iterator", "Generator"), "iter([])"),
    **dict.fromkeys(("Path", "PurePath", "PosixPath", "PathLike"), "Path({q}file.txt{q})"),
    **dict.fromkeys(("Callable",), "lambda *args, **kwargs: None"),
}
_WRAPPERS = ("Optional", "Annotated", "Final", "Required", "NotRequired", "ReadOnly")
_INT_NAME = re.compile(
    r"^(?:n|i|j|k|x|y|num|number|count|size|index|idx|width|height|length|limit|depth|level|offset|"
    r"start|end|port|timeout|lineno|col|column)$|_(?:count|size|index|idx|len|length|width|height|"
    r"num|number|limit)$|^(?:n|num|max|min)_"
)
_BOOL_NAME = re.compile(r"^(?:is|has|can|should|use|allow)_|^(?:flag|enabled|force|strict|verbose|quiet)$")
_STR_NAME = re.compile(
    r"^(?:name|text|s|string|line|prefix|suffix|msg|message|label|title|word|key|sep|char|encoding|"
    r"errors|mode|url|hint|help|description|value_str)$|_(?:name|text|str|string|prefix|suffix|msg|message)$"
)
_PATH_NAME = re.compile(
    r"^(?:path|filename|file_name|filepath|dirname|directory|dir)$|_(?:path|filename|dir)$"
)
_SEQ_NAME = re.compile(r"^(?:items|values|args|parts|names|lines|elements)$|[^su]s$")


@dataclass(frozen=True)
class Example:
    """A value to pass, as source text, and the import line it needs (if any)."""

    code: str
    imports: tuple[str, ...] = ()


def example(annotation: str | None, name: str, quote: str = '"') -> Example:
    """The value for a parameter: from its annotation when one is understood, else from its name, else None."""
    if annotation:
        try:
            found = _from_annotation(ast.parse(annotation, mode="eval").body, quote, 0)
        except (SyntaxError, ValueError, RecursionError):
            found = None
        if found is not None:
            return found
    return _from_name(name, quote)


def _from_annotation(node: ast.expr, quote: str, depth: int) -> Example | None:
    if depth > 8:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):  # a forward reference: "int"
        try:
            return _from_annotation(ast.parse(node.value, mode="eval").body, quote, depth + 1)
        except SyntaxError:
            return None
    if isinstance(node, ast.Constant) and node.value is None:
        return Example("None")
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):  # X | None
        options = [node.left, node.right]
        return _first_of(options, quote, depth)
    if isinstance(node, ast.Subscript):
        base = _last_name(node.value)
        inner = node.slice
        args = list(inner.elts) if isinstance(inner, ast.Tuple) else [inner]
        if base in _WRAPPERS:
            return _from_annotation(args[0], quote, depth + 1)
        if base == "Union":
            return _first_of(args, quote, depth)
        if base == "Literal" and isinstance(args[0], ast.Constant):
            return Example(_literal(args[0].value, quote))
        if base in ("Type", "type"):
            return None
        return _by_type(base, quote)
    return _by_type(_last_name(node), quote)


def _first_of(options: list[ast.expr], quote: str, depth: int) -> Example | None:
    """The first option that is not None (Optional[X], X | None, Union[X, Y])."""
    for option in options:
        if (isinstance(option, ast.Constant) and option.value is None) or _last_name(option) in _NONE:
            continue
        return _from_annotation(option, quote, depth + 1)
    return Example("None")


def _by_type(name: str | None, quote: str) -> Example | None:
    if name in _NONE:
        return Example("None")
    if name in ("Any", "object"):
        return Example("None")
    code = _BY_TYPE.get(name or "")
    if code is None:
        return None
    return Example(code.format(q=quote), (PATH_IMPORT,) if code.startswith("Path(") else ())


def _last_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _literal(value: object, quote: str) -> str:
    text = repr(value)
    if isinstance(value, str) and quote == '"' and "'" not in value and '"' not in value:
        text = '"' + text[1:-1] + '"'
    return text


def _from_name(name: str, quote: str) -> Example:
    lower = name.lower()
    if _BOOL_NAME.search(lower):
        return Example("True")
    if _INT_NAME.search(lower):
        return Example("1")
    if _PATH_NAME.search(lower):
        return Example(f"{quote}file.txt{quote}")
    if _STR_NAME.search(lower):
        return Example(f"{quote}text{quote}")
    if _SEQ_NAME.search(lower):
        return Example("[]")
    return Example("None")
