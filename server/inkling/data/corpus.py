"""Build a corpus (collect, clean, scrub, split, write shards and a report) and read it back."""

from __future__ import annotations

import json
import re
import sysconfig
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from inkling.atomic import write_text
from inkling.data.clean import FilterConfig, content_hash, dedupe, filter_reason
from inkling.data.collect import (
    DEFAULT_EXCLUDE_DIRS,
    SourceFile,
    check_root,
    find_candidates,
    iter_sources,
    root_names,
)
from inkling.data.report import (
    DROP_REASONS,
    REPORT_FILE,
    CorpusReport,
    SplitStats,
    format_report,
    read_report,
    report_to_json,
)
from inkling.data.secrets import scrub
from inkling.data.split import SPLITS, Split, check_fractions, split_of
from inkling.errors import InklingError
from inkling.style.detect import Style
from inkling.style.normalize import normalize

__all__ = [
    "CorpusConfig",
    "CorpusReport",
    "Document",
    "build_corpus",
    "default_roots",
    "format_report",
    "iter_documents",
    "read_report",
    "train_hashes",
]

TRAIN_HASHES_FILE = "train_hashes.txt"
SHARD_NAME = re.compile(r"(train|valid|test)-\d{5}\.jsonl")


@dataclass(frozen=True)
class CorpusConfig:
    """Settings of `inkling corpus`."""

    max_bytes: int = 1_000_000  # larger files are skipped as "oversized"
    valid_fraction: float = 0.05
    test_fraction: float = 0.05
    shard_bytes: int = 16_000_000  # a shard is closed once it holds about this many bytes
    exclude_dirs: tuple[str, ...] = DEFAULT_EXCLUDE_DIRS
    filters: FilterConfig = field(default_factory=FilterConfig)
    normalize: bool = False  # train and valid files rewritten into PEP 8 style (style.normalize); test stays

    @property
    def fractions(self) -> tuple[float, float, float]:
        """(train, valid, test) shares."""
        return (1.0 - self.valid_fraction - self.test_fraction, self.valid_fraction, self.test_fraction)

    def check(self) -> None:
        """Raise InklingError for settings that cannot work."""
        if self.max_bytes <= 0 or self.shard_bytes <= 0:
            raise InklingError("max_bytes and shard_bytes must be positive")
        if not (0 <= self.valid_fraction <= 1 and 0 <= self.test_fraction <= 1):
            raise InklingError("valid and test fractions must be between 0 and 1")
        if self.valid_fraction + self.test_fraction > 1:
            raise InklingError("valid and test fractions must add up to at most 1")
        check_fractions(self.fractions)


@dataclass(frozen=True)
class Document:
    """One file of the corpus: its path (root name first) and its cleaned, scrubbed text."""

    path: str
    text: str


@dataclass(frozen=True)
class _Prepared:
    """A kept file on its way to a shard."""

    path: str
    split: Split
    text: str  # scrubbed
    raw_hash: str  # content_hash before scrubbing, so eval recognises the original file
    scrubbed: bool


def default_roots() -> list[Path]:
    """The running interpreter's standard library (its site-packages is excluded by the walk)."""
    return [Path(sysconfig.get_paths()["stdlib"])]


def _line_count(text: str) -> int:
    return text.count("\n") + (0 if not text or text.endswith("\n") else 1)


def _write_split(out: Path, split: Split, docs: Iterable[_Prepared], shard_bytes: int) -> SplitStats:
    """Write one split as JSON-lines shards of about shard_bytes each; always at least one shard."""
    names: list[str] = []
    files = size = lines = shard_size = 0
    shard: list[str] = []

    def flush() -> None:
        names.append(f"{split}-{len(names):05d}.jsonl")
        write_text(out / names[-1], "".join(shard))
        shard.clear()

    for doc in docs:
        record = {"path": doc.path, "hash": content_hash(doc.text), "text": doc.text}
        line = json.dumps(record, ensure_ascii=False) + "\n"
        line_bytes = len(line.encode("utf-8"))
        if shard_size > 0 and shard_size + line_bytes > shard_bytes:
            flush()
            shard_size = 0
        shard.append(line)
        shard_size += line_bytes
        files += 1
        size += len(doc.text.encode("utf-8"))
        lines += _line_count(doc.text)
    flush()
    return SplitStats(files, size, lines, tuple(names))


def _prepare_out(out: Path) -> None:
    """Create the output folder and forget any previous corpus there until the new one is complete."""
    if out.exists() and not out.is_dir():
        raise InklingError(f"corpus output {out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    (out / REPORT_FILE).unlink(missing_ok=True)


def _remove_stale_shards(out: Path, keep: set[str]) -> None:
    for path in out.iterdir():
        if SHARD_NAME.fullmatch(path.name) and path.name not in keep:
            path.unlink()


def _collect(roots: list[Path], config: CorpusConfig, dropped: Counter[str]) -> tuple[int, list[SourceFile]]:
    """Read every .py file under the roots; return how many were found and the usable ones, path-sorted."""
    candidates = []
    for root, name in zip(roots, root_names(roots), strict=True):
        candidates += find_candidates(root, name, config.exclude_dirs)
    if not candidates:
        raise InklingError(f"no .py files found under {', '.join(str(r) for r in roots)}")
    candidates.sort(key=lambda c: c.doc_path)
    usable: list[SourceFile] = []
    for result in iter_sources(candidates, config.max_bytes):
        if isinstance(result, SourceFile):
            usable.append(result)
        else:
            dropped[result.reason] += 1
    return len(candidates), usable


def _clean(usable: list[SourceFile], config: CorpusConfig, dropped: Counter[str]) -> list[SourceFile]:
    """Drop empty, generated and minified files, then duplicates (the first by path stays)."""
    clean: list[SourceFile] = []
    for source in usable:
        reason = filter_reason(source.text, config.filters)
        if reason is None:
            clean.append(source)
        else:
            dropped[reason] += 1
    kept, duplicates = dedupe(clean, lambda s: s.text)
    dropped["duplicate"] += len(duplicates)
    return kept


def _prepare(source: SourceFile, config: CorpusConfig, secrets: Counter[str]) -> _Prepared:
    """Scrub one kept file, counting its secrets, give it its split, and with config.normalize rewrite a
    training or validation file into PEP 8 style (the test split stays as people wrote it)."""
    text, counts = scrub(source.text)
    secrets.update(counts)
    split = split_of(source.rel_path, config.fractions)
    if config.normalize and split != "test":
        text = normalize(text, Style()).code
    return _Prepared(source.doc_path, split, text, content_hash(source.text), bool(counts))


def build_corpus(roots: list[Path], out: Path, config: CorpusConfig = CorpusConfig()) -> CorpusReport:
    """Collect, clean, dedupe, scrub and split the .py files under roots, write them to out, and report.

    Raises InklingError for a root that is neither a folder nor a .py file, when no .py file is found,
    and when no file survives cleaning.
    """
    started = time.perf_counter()
    config.check()
    if not roots:
        raise InklingError("no corpus roots given")
    for root in roots:
        check_root(root)
    roots = list(dict.fromkeys(root.resolve() for root in roots))
    dropped: Counter[str] = Counter()
    found, usable = _collect(roots, config, dropped)

    kept = _clean(usable, config, dropped)
    if not kept:
        summary = ", ".join(f"{n} {reason}" for reason, n in sorted(dropped.items()))
        raise InklingError(f"no usable .py file left after cleaning the {found} found ({summary})")
    secrets: Counter[str] = Counter()
    prepared = [_prepare(source, config, secrets) for source in kept]

    _prepare_out(out)
    splits: dict[str, SplitStats] = {
        split: _write_split(out, split, (p for p in prepared if p.split == split), config.shard_bytes)
        for split in SPLITS
    }
    _remove_stale_shards(out, {name for stats in splits.values() for name in stats.shards})
    hashes = {content_hash(p.text) for p in prepared if p.split == "train"}
    hashes |= {p.raw_hash for p in prepared if p.split == "train"}
    write_text(out / TRAIN_HASHES_FILE, "".join(f"{h}\n" for h in sorted(hashes)))
    report = CorpusReport(
        roots=tuple(str(root) for root in roots),
        out=str(out),
        found=found,
        kept=len(kept),
        dropped={
            reason: dropped[reason] for reason in (*DROP_REASONS, *sorted(set(dropped) - set(DROP_REASONS)))
        },
        splits=splits,
        secrets=dict(secrets),
        files_scrubbed=sum(p.scrubbed for p in prepared),
        seconds=round(time.perf_counter() - started, 3),
        config=asdict(config),
    )
    write_text(out / REPORT_FILE, report_to_json(report))
    return report


def iter_documents(corpus_dir: Path, split: str) -> Iterator[Document]:
    """The documents of one split, shard by shard, in path order; InklingError if this is not a corpus."""
    if split not in SPLITS:
        raise InklingError(f"unknown split {split!r}: expected one of {', '.join(SPLITS)}")
    report = read_report(corpus_dir)
    for name in report.splits[split].shards:
        path = corpus_dir / name
        try:
            with open(path, encoding="utf-8") as handle:
                for line in handle:
                    record = json.loads(line)
                    yield Document(record["path"], record["text"])
        except FileNotFoundError as err:
            raise InklingError(f"corpus shard {path} is missing; rebuild the corpus") from err
        except (ValueError, KeyError, TypeError) as err:
            raise InklingError(f"corpus shard {path} is damaged ({err!r}); rebuild the corpus") from err


def train_hashes(corpus_dir: Path) -> set[str]:
    """content_hash of every training document, before and after scrubbing; InklingError if not a corpus."""
    read_report(corpus_dir)
    path = corpus_dir / TRAIN_HASHES_FILE
    try:
        return {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    except FileNotFoundError as err:
        raise InklingError(f"{path} is missing; rebuild the corpus") from err
