"""`inkling normalize`: put Python files into a style in place, as formatters do, or only report."""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from inkling.atomic import write_text
from inkling.style.detect import Style, detect
from inkling.style.normalize import normalize

SKIPPED_DIRS = {".git", ".hg", ".venv", "venv", "__pycache__", "node_modules", ".mypy_cache", ".tox"}


@dataclass(frozen=True)
class Outcome:
    changed: int
    unchanged: int
    errors: int


def python_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The files given, and the `.py` files under the folders given."""
    for path in paths:
        if path.is_dir():
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
                yield from (Path(folder) / name for name in sorted(files) if name.endswith(".py"))
        else:
            yield path


def normalize_files(
    paths: Iterable[Path], style_of: Path | None = None, check: bool = False, diff: bool = False
) -> Outcome:
    """Rewrite each file into its own style (or `style_of`'s); with check or diff, write nothing.

    Messages go to stderr and diffs to stdout. A file that cannot be read or parsed is reported and left
    as it is; the others are still done.
    """
    fixed: Style | None = detect(_read(style_of)) if style_of is not None else None
    changed = unchanged = errors = 0
    for path in python_files(paths):
        try:
            source = _read(path)
        except (OSError, UnicodeDecodeError) as exc:
            print(f"error: cannot read {path}: {exc}", file=sys.stderr)
            errors += 1
            continue
        result = normalize(source, fixed or detect(source))
        if result.status in ("skipped", "failed"):
            print(f"error: cannot normalize {path}: {result.reason}", file=sys.stderr)
            errors += 1
            continue
        if result.rejected:
            print(
                f"{path}: left as it was: {', '.join(result.rejected)} (would change the code's meaning)",
                file=sys.stderr,
            )
        if result.code == source:
            unchanged += 1
            continue
        changed += 1
        if diff:
            sys.stdout.writelines(
                difflib.unified_diff(
                    source.splitlines(keepends=True),
                    result.code.splitlines(keepends=True),
                    f"{path}",
                    f"{path}",
                )
            )
        if check or diff:
            print(f"would normalize {path} ({', '.join(result.applied)})", file=sys.stderr)
        else:
            _write(path, result.code)
            print(f"normalized {path} ({', '.join(result.applied)})", file=sys.stderr)
    verb = "would be normalized" if check or diff else "normalized"
    print(f"{changed} file(s) {verb}, {unchanged} unchanged, {errors} error(s)", file=sys.stderr)
    return Outcome(changed, unchanged, errors)


def _read(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as handle:  # newline="": CRLF files stay CRLF
        return handle.read()


def _write(path: Path, text: str) -> None:
    """Through a temporary file renamed over the original, keeping its permissions and its line endings."""
    write_text(path, text, mode=path.stat().st_mode & 0o7777, newline="")
