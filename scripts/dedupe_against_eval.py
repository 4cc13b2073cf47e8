#!/usr/bin/env python
"""Remove evaluation code (and big data modules) from the fetched packages, before they go into a corpus.

Run after scripts/fetch_packages.sh, with the venv's Python (it uses `inkling.data`):

    .venv/bin/python scripts/dedupe_against_eval.py                    # move offending files, print a report
    .venv/bin/python scripts/dedupe_against_eval.py --dry-run          # only report
    .venv/bin/python scripts/dedupe_against_eval.py --table runs/mix/corpus   # per-package table for the card

The evaluation code is the held-out package (click 8.1.7, `--heldout`) and the test split of the
standard-library corpus (`--eval-corpus`, its `test-*.jsonl` shards; each file is also read from its root,
as written in report.json, because shards hold the text after secrets were scrubbed). A package file is
moved to `--excluded`/<reason>/<its path under --src> when

- `exact`: its content hash (`inkling.data.clean.content_hash`, whitespace-normalised SHA-256) equals that
  of an evaluation file;
- `near-heldout` / `near-eval-test`: at least `--threshold` of its non-trivial lines (stripped, at least
  `--min-line-length` characters) occur among the evaluation files' lines, and at least `--min-lines` of them
  do (so that a three-line `__init__.py` of common imports is not judged): a vendored or lightly edited copy.
  Files from `--report-threshold` up to `--threshold` are listed in the report but stay.

It also moves out (reason `data`) the big data modules that the corpus filters let through when no
"generated" header marks them: files of at least `--data-min-chars` characters with at least `--data-share`
of their characters in module-level assignments of literals (keyword tables of lexers, emoji maps, ...),
and (reason `script-copy`) wheel scripts, `*.data/scripts/*.py`, that repeat a module of the package but
for the `#!` line.

Moving (not deleting) keeps the run inspectable; running the script again finds nothing new. A JSON report
goes to `--json`.
"""

from __future__ import annotations

import argparse
import ast
import email
import json
import os
import re
import shutil
import sys
import warnings
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from inkling.data.clean import content_hash
from inkling.data.collect import root_names
from inkling.data.corpus import iter_documents, read_report

DEFAULT_SRC = Path("runs/packages/src")
DEFAULT_EXCLUDED = Path("runs/packages/excluded")
DEFAULT_HELDOUT = [Path("runs/heldout/click-8.1.7/click")]
DEFAULT_EVAL_CORPUS = Path("runs/stdlib/corpus")
DEFAULT_JSON = Path("runs/packages/dedupe_report.json")


@dataclass(frozen=True)
class Finding:
    """One package file that is (or resembles) evaluation code."""

    path: str  # relative to --src: <package>-<version>/...
    reason: str  # exact | near-heldout | near-eval-test
    share: float  # share of its non-trivial lines found in the evaluation lines (1.0 for exact)
    matched_lines: int
    lines: int
    match: str  # the evaluation file with the same hash, or the evaluation set it resembles
    moved: bool = True  # False: only reported (share between --report-threshold and --threshold)


def read_text(path: Path) -> str | None:
    """The file as the corpus reads it (UTF-8, no BOM, LF line ends), or None if it is not UTF-8 text."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def nontrivial_lines(text: str, min_length: int) -> list[str]:
    """The stripped lines of text that are at least min_length characters long."""
    return [s for s in (line.strip() for line in text.split("\n")) if len(s) >= min_length]


def py_files(root: Path) -> list[Path]:
    """Every .py file under root, sorted, without entering symlinked folders."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        found += [Path(dirpath) / f for f in filenames if f.endswith(".py")]
    return sorted(found)


def heldout_files(paths: list[Path]) -> dict[str, str]:
    """path -> text of every readable .py file under the held-out paths."""
    files: dict[str, str] = {}
    for path in paths:
        if not path.exists():
            sys.exit(f"error: held-out path {path} does not exist")
        for file in py_files(path) if path.is_dir() else [path]:
            text = read_text(file)
            if text is not None:
                files[str(file)] = text
    return files


def eval_test_files(corpus: Path) -> dict[str, list[str]]:
    """doc path -> texts (as stored, and as read from its root when that still exists) of the test split."""
    report = read_report(corpus)
    names = root_names(Path(root) for root in report.roots)
    roots = {name: Path(root) for name, root in zip(names, report.roots, strict=True)}
    files: dict[str, list[str]] = {}
    for doc in iter_documents(corpus, "test"):
        texts = [doc.text]
        name, _, rel = doc.path.partition("/")
        if name in roots:
            original = read_text(roots[name] / rel) if (roots[name] / rel).is_file() else None
            if original is not None and original != doc.text:
                texts.append(original)
        files[doc.path] = texts
    return files


@dataclass(frozen=True)
class Limits:
    """When a package file counts as a copy of evaluation code, or as a data module."""

    threshold: float = 0.5  # share of non-trivial lines found in evaluation code that makes a near copy
    report_threshold: float = 0.25  # from this share on a file is reported (and kept below threshold)
    min_line_length: int = 20  # a stripped line this long is non-trivial
    min_lines: int = 5  # matched lines needed to judge a file at all
    data_min_chars: int = 20_000  # smaller files are never data modules
    data_share: float = 0.8  # share of characters in module-level literal assignments that makes one


_BUILDERS = frozenset({"frozenset", "set", "dict", "tuple", "list"})


def _is_literal(node: ast.expr) -> bool:
    """True for constants and containers (or frozenset(...) and the like) built of constants only."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return all(_is_literal(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        keys_ok = all(k is None or _is_literal(k) for k in node.keys)
        return keys_ok and all(_is_literal(v) for v in node.values)
    if isinstance(node, ast.UnaryOp):
        return _is_literal(node.operand)
    if isinstance(node, ast.BinOp):
        return _is_literal(node.left) and _is_literal(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _BUILDERS:
        return all(_is_literal(a) for a in node.args) and all(_is_literal(k.value) for k in node.keywords)
    return False


def literal_share(text: str) -> float:
    """Share of text's characters in module-level assignments of literal data (0.0 if it does not parse)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return 0.0
    lines = text.split("\n")
    chars = 0
    for node in tree.body:
        if (
            isinstance(node, ast.Assign | ast.AnnAssign)
            and node.value is not None
            and _is_literal(node.value)
        ):
            chars += sum(len(line) + 1 for line in lines[node.lineno - 1 : node.end_lineno])
    return min(1.0, chars / max(1, len(text)))


def find_offenders(
    src: Path, heldout: dict[str, str], eval_test: dict[str, list[str]], limits: Limits
) -> tuple[list[Finding], int]:
    """The package files to exclude or report, and how many package files were checked."""
    min_length = limits.min_line_length
    hashes: dict[str, str] = {}
    for path, text in heldout.items():
        hashes.setdefault(content_hash(text), path)
    for path, texts in eval_test.items():
        for text in texts:
            hashes.setdefault(content_hash(text), path)
    line_sets = {
        "near-heldout": {s for text in heldout.values() for s in nontrivial_lines(text, min_length)},
        "near-eval-test": {
            s for texts in eval_test.values() for text in texts for s in nontrivial_lines(text, min_length)
        },
    }
    labels = {"near-heldout": "held-out package", "near-eval-test": "eval-corpus test split"}
    findings: list[Finding] = []
    files = py_files(src)
    for file in files:
        rel = file.relative_to(src).as_posix()
        source = read_text(file)
        if source is None:
            continue
        digest = content_hash(source)
        lines = nontrivial_lines(source, min_length)
        if digest in hashes:
            findings.append(Finding(rel, "exact", 1.0, len(lines), len(lines), hashes[digest]))
            continue
        if lines:
            scores = []
            for reason, line_set in line_sets.items():
                matched = sum(line in line_set for line in lines)
                scores.append((matched / len(lines), matched, reason))
            share, matched, reason = max(scores)
            if share >= min(limits.threshold, limits.report_threshold) and matched >= limits.min_lines:
                moved = share >= limits.threshold
                findings.append(
                    Finding(rel, reason, round(share, 3), matched, len(lines), labels[reason], moved)
                )
                if moved:
                    continue
        if len(source) >= limits.data_min_chars:
            share = literal_share(source)
            if share >= limits.data_share:
                findings.append(
                    Finding(rel, "data", round(share, 3), 0, len(lines), "module-level literal data")
                )
    flagged = {f.path for f in findings if f.moved}
    findings += script_copies(src, [f for f in files if f.relative_to(src).as_posix() not in flagged])
    return findings, len(files)


def _without_shebang(text: str) -> str:
    return text.split("\n", 1)[1] if text.startswith("#!") and "\n" in text else text


def script_copies(src: Path, files: list[Path]) -> list[Finding]:
    """Wheel scripts (`*.data/scripts/*.py`) that are a module of the package but for the `#!` line."""
    modules: dict[str, str] = {}
    scripts: list[tuple[str, str]] = []
    for file in files:
        rel = file.relative_to(src).as_posix()
        text = read_text(file)
        if text is None:
            continue
        digest = content_hash(_without_shebang(text))
        if re.search(r"\.data/scripts/", rel):
            scripts.append((rel, digest))
        else:
            modules.setdefault(digest, rel)
    return [
        Finding(rel, "script-copy", 1.0, 0, 0, modules[digest])
        for rel, digest in scripts
        if digest in modules
    ]


def move_out(src: Path, excluded: Path, findings: list[Finding]) -> None:
    for finding in findings:
        if not finding.moved:
            continue
        target = excluded / finding.reason / finding.path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(src / finding.path, target)


def excluded_files(excluded: Path) -> dict[str, list[str]]:
    """reason -> paths (relative to --src) of the files moved out by this and earlier runs."""
    if not excluded.is_dir():
        return {}
    found: dict[str, list[str]] = {}
    for reason_dir in sorted(p for p in excluded.iterdir() if p.is_dir()):
        found[reason_dir.name] = [f.relative_to(reason_dir).as_posix() for f in py_files(reason_dir)]
    return found


def package_of(rel: str) -> str:
    return rel.split("/", 1)[0]


def licence_of(package_dir: Path) -> str:
    """The licence as the package's metadata states it: License-Expression, else License, else classifiers."""
    meta = sorted(package_dir.glob("*.dist-info/METADATA")) or sorted(package_dir.glob("PKG-INFO"))
    if not meta:
        return "?"
    message = email.message_from_string(meta[0].read_text(encoding="utf-8", errors="replace"))
    expression = (message.get("License-Expression") or "").strip()
    field = (message.get("License") or "").strip().splitlines()
    classifiers = [
        c.split("::")[-1].strip() for c in message.get_all("Classifier") or [] if c.startswith("License ::")
    ]
    parts = []
    if expression:
        parts.append(expression)
    elif field and len(field[0]) <= 40 and field[0].upper() not in {"UNKNOWN", "NONE"}:
        parts.append(field[0])
    if classifiers:
        parts.append("classifiers: " + "; ".join(classifiers))
    return " / ".join(parts) or "?"


def split_name(package: str) -> tuple[str, str]:
    name, _, version = package.rpartition("-")
    return name, version


def table(src: Path, excluded: Path, corpus: Path) -> str:
    """A Markdown table per package of a built corpus: licence, .py files and bytes unpacked, moved out by
    this script, and kept by the corpus (with their split), then totals and the other roots' share."""
    root_name = src.resolve().name
    moved = Counter(package_of(path) for paths in excluded_files(excluded).values() for path in paths)
    kept: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    splits: dict[str, Counter[str]] = defaultdict(Counter)
    other = [0, 0]
    for split in ("train", "valid", "test"):
        for doc in iter_documents(corpus, split):
            root, _, rel = doc.path.partition("/")
            target = kept[package_of(rel)] if root == root_name else other
            target[0] += 1
            target[1] += len(doc.text.encode("utf-8"))
            if root == root_name:
                splits[package_of(rel)][split] += 1
    rows = [
        "| package | version | licence (metadata) | .py unpacked | bytes unpacked | moved out | .py kept "
        "| bytes kept | train/valid/test |",
        "|---|---|---|--:|--:|--:|--:|--:|---|",
    ]
    totals = Counter[str]()
    packages = sorted(p.name for p in src.iterdir() if p.is_dir())
    for package in packages:
        files = py_files(src / package) + [
            f for reason in excluded.glob("*") for f in py_files(reason / package) if reason.is_dir()
        ]
        size = sum(f.stat().st_size for f in files)
        name, version = split_name(package)
        n_kept, b_kept = kept.get(package, [0, 0])
        s = splits[package]
        rows.append(
            f"| {name} | {version} | {licence_of(src / package)} | {len(files)} | {size:,} | {moved[package]} "
            f"| {n_kept} | {b_kept:,} | {s['train']}/{s['valid']}/{s['test']} |"
        )
        totals.update(files=len(files), size=size, moved=moved[package], kept=n_kept, kept_bytes=b_kept)
        totals.update({split: s[split] for split in ("train", "valid", "test")})
    rows.append(
        f"| **{len(packages)} packages** | | | {totals['files']} | {totals['size']:,} | {totals['moved']} "
        f"| {totals['kept']} | {totals['kept_bytes']:,} | {totals['train']}/{totals['valid']}/{totals['test']} |"
    )
    rows.append(f"| other roots (standard library) | | | | | | {other[0]} | {other[1]:,} | |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--src", type=Path, default=DEFAULT_SRC, help="unpacked packages (default %(default)s)"
    )
    parser.add_argument("--excluded", type=Path, default=DEFAULT_EXCLUDED, help="where offenders are moved")
    parser.add_argument("--heldout", type=Path, nargs="+", default=DEFAULT_HELDOUT, help="held-out code")
    parser.add_argument(
        "--eval-corpus", type=Path, default=DEFAULT_EVAL_CORPUS, help="corpus whose test split is evaluated"
    )
    parser.add_argument("--threshold", type=float, default=0.5, help="share of lines that makes a near copy")
    parser.add_argument(
        "--report-threshold", type=float, default=0.25, help="share from which a file is reported, not moved"
    )
    parser.add_argument("--min-line-length", type=int, default=20)
    parser.add_argument("--min-lines", type=int, default=5, help="matched lines needed to judge a file")
    parser.add_argument("--data-min-chars", type=int, default=20_000, help="smallest file judged as data")
    parser.add_argument(
        "--data-share", type=float, default=0.8, help="share of literal assignments that makes a data module"
    )
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="report file (default %(default)s)")
    parser.add_argument("--dry-run", action="store_true", help="report only; move nothing")
    parser.add_argument(
        "--table", type=Path, metavar="CORPUS", help="print the per-package table of a built corpus and exit"
    )
    args = parser.parse_args(argv)

    if args.table:
        print(table(args.src, args.excluded, args.table))
        return 0

    heldout = heldout_files(args.heldout)
    eval_test = eval_test_files(args.eval_corpus)
    limits = Limits(
        args.threshold,
        args.report_threshold,
        args.min_line_length,
        args.min_lines,
        args.data_min_chars,
        args.data_share,
    )
    findings, checked = find_offenders(args.src, heldout, eval_test, limits)
    if not args.dry_run:
        move_out(args.src, args.excluded, findings)

    print(
        f"checked {checked} package .py files against {len(heldout)} held-out files and "
        f"{len(eval_test)} eval-corpus test files"
    )
    by_reason: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_reason[finding.reason].append(finding)
    for reason in ("exact", "near-heldout", "near-eval-test", "data", "script-copy"):
        print(f"{reason}: {sum(f.moved for f in by_reason[reason])} to exclude")
        for f in by_reason[reason]:
            if f.reason == "data":
                print(f"  {f.path}  ({f.share:.0%} of its characters in literal assignments)")
                continue
            if f.reason == "script-copy":
                print(f"  {f.path}  (same as {f.match} but for the #! line)")
                continue
            kept = "" if f.moved else f", kept: below {args.threshold:.0%}"
            print(f"  {f.path}  ({f.matched_lines}/{f.lines} lines, {f.share:.0%}; {f.match}{kept})")
    action = "would move" if args.dry_run else "moved"
    print(f"{action} {sum(f.moved for f in findings)} files to {args.excluded}")
    earlier = excluded_files(args.excluded)
    if earlier:
        counts = ", ".join(f"{reason} {len(paths)}" for reason, paths in earlier.items())
        print(f"{args.excluded} now holds {sum(len(p) for p in earlier.values())} files: {counts}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        report = {
            "src": str(args.src),
            "heldout": [str(p) for p in args.heldout],
            "eval_corpus": str(args.eval_corpus),
            "threshold": args.threshold,
            "min_line_length": args.min_line_length,
            "min_lines": args.min_lines,
            "report_threshold": args.report_threshold,
            "data_min_chars": args.data_min_chars,
            "data_share": args.data_share,
            "checked": checked,
            "dry_run": args.dry_run,
            "findings": [asdict(f) for f in findings],
            "excluded": excluded_files(args.excluded),
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
