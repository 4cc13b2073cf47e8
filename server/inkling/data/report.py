"""The corpus report (files kept and dropped, split sizes, secrets scrubbed) as JSON and as a table."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from inkling.errors import InklingError

REPORT_FILE = "report.json"
REPORT_FORMAT = 1
# Every reason a found file can be dropped, in pipeline order: the table always lists them all.
DROP_REASONS: tuple[str, ...] = (
    "unreadable",
    "oversized",
    "binary",
    "undecodable",
    "unparsable",
    "empty",
    "generated",
    "minified",
    "duplicate",
)


@dataclass(frozen=True)
class SplitStats:
    """Size of one split and the shard files that hold it, in reading order."""

    files: int = 0
    bytes: int = 0
    lines: int = 0
    shards: tuple[str, ...] = ()


@dataclass(frozen=True)
class CorpusReport:
    """Everything `inkling corpus` did, as written to report.json."""

    roots: tuple[str, ...]
    out: str
    found: int  # .py files found under the roots
    kept: int
    dropped: Mapping[str, int]  # reason -> files
    splits: Mapping[str, SplitStats]  # "train" / "valid" / "test"
    secrets: Mapping[str, int]  # kind -> occurrences replaced
    files_scrubbed: int
    seconds: float
    config: Mapping[str, Any] = field(default_factory=dict)

    @property
    def bytes(self) -> int:
        """UTF-8 bytes of all kept documents."""
        return sum(s.bytes for s in self.splits.values())

    @property
    def lines(self) -> int:
        """Lines of all kept documents."""
        return sum(s.lines for s in self.splits.values())


def report_to_json(report: CorpusReport) -> str:
    """The report as indented JSON, keys in a stable order."""
    data = {"format": REPORT_FORMAT, **asdict(report)}
    data["dropped"] = dict(report.dropped)
    data["secrets"] = dict(sorted(report.secrets.items()))
    data["splits"] = {name: asdict(stats) for name, stats in report.splits.items()}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def read_report(corpus_dir: Path) -> CorpusReport:
    """Load report.json of a corpus folder; InklingError if the folder is not a corpus."""
    path = corpus_dir / REPORT_FILE
    if not path.is_file():
        raise InklingError(
            f"{corpus_dir} is not a corpus (no {REPORT_FILE}); build one with `inkling corpus`"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        splits = {
            name: SplitStats(s["files"], s["bytes"], s["lines"], tuple(s["shards"]))
            for name, s in data["splits"].items()
        }
        return CorpusReport(
            roots=tuple(data["roots"]),
            out=data["out"],
            found=data["found"],
            kept=data["kept"],
            dropped=dict(data["dropped"]),
            splits=splits,
            secrets=dict(data["secrets"]),
            files_scrubbed=data["files_scrubbed"],
            seconds=data["seconds"],
            config=data.get("config", {}),
        )
    except (ValueError, KeyError, TypeError) as err:
        raise InklingError(f"{path} is damaged ({err!r}); rebuild the corpus with `inkling corpus`") from err


def _row(label: str, *cells: str) -> str:
    return f"  {label:<22}" + "".join(f"{cell:>14}" for cell in cells)


def format_report(report: CorpusReport) -> str:
    """A plain-text table: files kept and dropped per reason, sizes per split, secrets scrubbed."""
    roots = ", ".join(report.roots)
    lines = [f"corpus {report.out}  from {roots}", ""]
    lines.append(_row("files", "count"))
    lines.append(_row("found", f"{report.found:,}"))
    for reason in (*DROP_REASONS, *sorted(set(report.dropped) - set(DROP_REASONS))):
        lines.append(_row(f"dropped: {reason}", f"{report.dropped.get(reason, 0):,}"))
    lines.append(_row("kept", f"{report.kept:,}"))
    lines += ["", _row("split", "files", "bytes", "lines", "shards")]
    for name, stats in report.splits.items():
        cells = (f"{stats.files:,}", f"{stats.bytes:,}", f"{stats.lines:,}", f"{len(stats.shards)}")
        lines.append(_row(name, *cells))
    shards = sum(len(s.shards) for s in report.splits.values())
    lines.append(_row("total", f"{report.kept:,}", f"{report.bytes:,}", f"{report.lines:,}", f"{shards}"))
    lines += ["", _row("secrets scrubbed", "count")]
    for kind, count in sorted(report.secrets.items()):
        lines.append(_row(kind, f"{count:,}"))
    total = sum(report.secrets.values())
    lines.append(_row("total", f"{total:,}"))
    lines.append(_row("files scrubbed", f"{report.files_scrubbed:,}"))
    lines += ["", f"  done in {report.seconds:.1f} s"]
    return "\n".join(lines)
