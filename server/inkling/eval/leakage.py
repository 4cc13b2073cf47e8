"""Evaluation files: gather them from paths, and refuse any whose content is in the training set."""

from __future__ import annotations

import os
from pathlib import Path

from inkling.errors import InklingError


def collect_eval_files(paths: list[Path]) -> list[tuple[str, str]]:
    """(path, text) for each file given and each `*.py` under each folder given, sorted per folder.

    Symlinked folders are not entered; files that are not UTF-8 are skipped; a leading byte-order mark is
    dropped (as the corpus does) but line endings are kept as they are. A file reached twice is read once.
    """
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise InklingError(f"evaluation path {path} does not exist")
        found.extend(_walk(path) if path.is_dir() else [path])
    files: list[tuple[str, str]] = []
    seen: set[Path] = set()
    for file in found:
        key = file.resolve()
        if key in seen:
            continue
        seen.add(key)
        try:
            text = file.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        files.append((str(file), text.removeprefix("\ufeff")))
    if not files:
        shown = ", ".join(str(p) for p in paths) or "(no paths)"
        raise InklingError(f"no readable Python files in {shown}")
    return files


def refuse_training_files(files: list[tuple[str, str]], train_hashes: set[str]) -> None:
    """Raise InklingError naming the evaluation files whose content hash is in the training set."""
    from inkling.data.clean import content_hash  # imported late: data/ is a sibling layer, loaded on use

    leaked = [path for path, text in files if content_hash(text) in train_hashes]
    if leaked:
        shown = ", ".join(leaked[:5]) + (", ..." if len(leaked) > 5 else "")
        raise InklingError(
            f"{len(leaked)} of {len(files)} evaluation files are in the training set "
            f"(same content up to whitespace): {shown}"
        )


def _walk(root: Path) -> list[Path]:
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        out.extend(Path(dirpath) / name for name in sorted(filenames) if name.endswith(".py"))
    return sorted(out)
