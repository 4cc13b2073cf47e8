"""Code that exists, offered to a generating command: functions of the project and of the shipped corpus whose
description reads like the user's comment, rewritten to the user's signature and placed at the target."""

from __future__ import annotations

import ast
import logging
import textwrap
import threading
from collections.abc import Mapping
from pathlib import Path

from inkling.completion.generate import COMMENT, DEF, Target
from inkling.context.snippets import Snippet, SnippetIndex, extract

log = logging.getLogger("inkling.completion")

INDEX_FILE = "functions.json.gz"  # the shipped corpus's snippets, beside the model's weights
PACKAGED = Path(__file__).resolve().parents[1] / "assets" / "default"  # a fine-tuned model uses the default's
RETRIEVED = 8  # snippets read per index for one request
MIN_SCORE = 0.5  # a snippet whose name and description hold less of the request's word weight is not offered


def load_shipped(model_dir: Path) -> SnippetIndex | None:
    """The snippet index shipped with a model (a model without one, as `inkling finetune` makes, takes the
    default model's), None when there is none or it does not load."""
    path = model_dir / INDEX_FILE
    if not path.is_file():
        path = PACKAGED / INDEX_FILE
    if not path.is_file():
        return None
    try:
        return SnippetIndex.load(path)
    except ValueError:
        log.warning(
            "the model's snippet index did not load; generating commands go on without it", exc_info=True
        )
        return None


class ProjectSnippets:
    """The workspace's functions as a snippet index, each file read again only when its text changed (the
    index thread keeps it current; the model thread reads it)."""

    def __init__(self) -> None:
        self._files: dict[Path, tuple[str, list[Snippet]]] = {}
        self._index: SnippetIndex | None = None
        self._lock = threading.Lock()

    def index(self, texts: Mapping[Path, str]) -> SnippetIndex:
        with self._lock:
            return self._update(texts)

    def _update(self, texts: Mapping[Path, str]) -> SnippetIndex:
        changed = texts.keys() != self._files.keys()
        files: dict[Path, tuple[str, list[Snippet]]] = {}
        for path, text in texts.items():
            known = self._files.get(path)
            if known is None or known[0] != text:
                known = (text, extract(text, str(path), self_contained=False))
                changed = True
            files[path] = known
        self._files = files
        if changed or self._index is None:
            self._index = SnippetIndex(s for _, snippets in files.values() for s in snippets)
        return self._index


def request(target: Target) -> str:
    """What the user asked for: the comment lines right above the target and, for a body, the `def` (its
    name and parameters are words of the request too)."""
    lines = target.prefix.splitlines()
    if lines and not lines[-1].strip():
        lines.pop()  # the indentation the code starts at
    asked: list[str] = []
    row = len(lines) - 1
    if target.kind == "body":
        while row >= 0 and not DEF.match(lines[row]):
            row -= 1
        asked = lines[row:]
        row -= 1
    while row >= 0 and COMMENT.match(lines[row]):
        asked.insert(0, lines[row])
        row -= 1
    return "\n".join(asked)


def _signature(target: Target) -> tuple[str, tuple[str, ...]] | None:
    """The name and positional parameters of the function whose body `target` is."""
    lines = target.prefix.splitlines()
    for row in range(len(lines) - 1, -1, -1):
        if DEF.match(lines[row]):
            header = textwrap.dedent("\n".join(lines[row:]).rstrip())
            for attempt in (header + "\n    pass\n", header + '\n    """"""\n'):
                try:
                    node = ast.parse(attempt).body[0]
                except (SyntaxError, ValueError, IndexError):
                    continue
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    args = (*node.args.posonlyargs, *node.args.args)
                    return node.name, tuple(a.arg for a in args if a.arg not in ("self", "cls"))
            return None
    return None


def adaptations(target: Target, indexes: list[SnippetIndex]) -> list[str]:
    """Texts for `target` made from the snippets most like the request, best match first, each starting
    after the target's indentation as a generation does."""
    query = request(target)
    signature = _signature(target) if target.kind == "body" else None
    if target.kind == "body" and signature is None:
        return []
    indent = target.prefix[target.prefix.rfind("\n") + 1 :]
    found: list[tuple[float, Snippet]] = []
    for index in indexes:
        found += index.search(query, RETRIEVED, MIN_SCORE)
    texts: list[str] = []
    for _, snippet in sorted(found, key=lambda pair: -pair[0]):
        code = snippet.function() if signature is None else snippet.body_for(*signature)
        if code is None:
            continue
        first, *rest = code.rstrip().split("\n")
        text = "\n".join([first, *(indent + line if line.strip() else "" for line in rest)])
        if text not in texts:
            texts.append(text)
    return texts
