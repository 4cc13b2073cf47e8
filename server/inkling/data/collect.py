"""Walk source roots without following symlinked folders and read each `.py` file safely, or say why not."""

from __future__ import annotations

import ast
import os
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from inkling.errors import InklingError

SkipReason = Literal["unreadable", "oversized", "binary", "undecodable", "unparsable"]

# Folders never worth walking: installed third-party code, caches and version-control metadata.
DEFAULT_EXCLUDE_DIRS: tuple[str, ...] = (
    "site-packages",
    "dist-packages",
    "__pycache__",
    ".git",
    ".hg",
    ".svn",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    "node_modules",
)


@dataclass(frozen=True)
class Candidate:
    """A `.py` file found under a root: where it is, and its name inside the corpus."""

    path: Path
    rel_path: str  # posix path relative to its root: what the split hashes
    doc_path: str  # rel_path prefixed with the root's name: what the corpus records


@dataclass(frozen=True)
class SourceFile:
    """A `.py` file that is text, UTF-8, small enough and valid Python."""

    path: Path
    rel_path: str
    doc_path: str
    text: str


@dataclass(frozen=True)
class Skipped:
    """A `.py` file that could not be used, and why."""

    path: Path
    doc_path: str
    reason: SkipReason


def check_root(root: Path) -> None:
    """Raise InklingError unless root is an existing folder or `.py` file."""
    if not root.exists():
        raise InklingError(f"corpus root {root} does not exist")
    if not (root.is_dir() or (root.is_file() and root.suffix == ".py")):
        raise InklingError(f"corpus root {root} is neither a folder nor a .py file")


def root_names(roots: Iterable[Path]) -> list[str]:
    """One distinct prefix per root: its folder name, with `~2`, `~3`, ... appended on a clash."""
    names: list[str] = []
    seen: set[str] = set()
    for root in roots:
        base = root.resolve().name or "root"
        name, n = base, 1
        while name in seen:
            n += 1
            name = f"{base}~{n}"
        seen.add(name)
        names.append(name)
    return names


def find_candidates(
    root: Path, name: str, exclude_dirs: Iterable[str] = DEFAULT_EXCLUDE_DIRS
) -> list[Candidate]:
    """Every `.py` file under root, sorted by path; symlinked folders are listed but never entered."""
    if root.is_file():
        return [Candidate(root, root.name, name)]
    excluded = set(exclude_dirs)
    found: list[Candidate] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in excluded)
        base = Path(dirpath)
        for filename in filenames:
            if filename.endswith(".py"):
                path = base / filename
                rel = path.relative_to(root).as_posix()
                found.append(Candidate(path, rel, f"{name}/{rel}"))
    found.sort(key=lambda c: c.doc_path)
    return found


def parses(text: str) -> bool:
    """True when text is valid Python for this interpreter; warnings (SyntaxWarning, ...) are swallowed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    return True


def read_source(candidate: Candidate, max_bytes: int) -> SourceFile | Skipped:
    """Read one file: reject it if unreadable, too big, binary, not strict UTF-8 or not valid Python."""
    path = candidate.path
    try:
        if path.stat().st_size > max_bytes:
            return Skipped(path, candidate.doc_path, "oversized")
        data = path.read_bytes()
    except OSError:  # dangling symlink, permissions, a file that vanished meanwhile
        return Skipped(path, candidate.doc_path, "unreadable")
    if len(data) > max_bytes:
        return Skipped(path, candidate.doc_path, "oversized")
    if b"\x00" in data:
        return Skipped(path, candidate.doc_path, "binary")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return Skipped(path, candidate.doc_path, "undecodable")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    if not parses(text):
        return Skipped(path, candidate.doc_path, "unparsable")
    return SourceFile(path, candidate.rel_path, candidate.doc_path, text)


def iter_sources(candidates: Iterable[Candidate], max_bytes: int) -> Iterator[SourceFile | Skipped]:
    """read_source over candidates, in their order."""
    for candidate in candidates:
        yield read_source(candidate, max_bytes)
