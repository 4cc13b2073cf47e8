"""`inkling eval`: line completion and bits per byte for a model, beside the 4-gram baseline, on the same cuts."""

from __future__ import annotations

import platform
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from inkling.data.corpus import TRAIN_HASHES_FILE, iter_documents, train_hashes
from inkling.errors import InklingError
from inkling.eval.cuts import sample_cuts
from inkling.eval.leakage import collect_eval_files, refuse_training_files
from inkling.eval.line_completion import LineScores, format_table, score
from inkling.eval.ngram import NGramModel, encode_documents
from inkling.settings import Settings


@dataclass(frozen=True)
class EvalOptions:
    model: Path
    files: list[Path]
    corpus: Path | None = None  # training corpus for the baseline; default: the one the model records
    cuts: int = 500
    seed: int = 0
    baseline: bool = True
    split: str | None = None  # evaluate a split of the corpus (e.g. "test") instead of --files
    settings: Settings = field(default_factory=Settings)  # the server settings the model runs with


@dataclass(frozen=True)
class EvalReport:
    table: str
    data: dict[str, Any]


def model_train_hashes(model_dir: Path, corpus: Path | None) -> set[str]:
    """The content hashes of the model's training files: its train_hashes.txt, else the corpus's."""
    shipped = model_dir / TRAIN_HASHES_FILE
    if shipped.is_file():
        return set(shipped.read_text(encoding="utf-8").split())
    if corpus is not None:
        return train_hashes(corpus)
    raise InklingError(
        f"{model_dir} has no {TRAIN_HASHES_FILE} and no --corpus was given: cannot check for leakage"
    )


def _recorded_corpus(meta: dict[str, Any]) -> Path | None:
    recorded = meta.get("training", {}).get("corpus")
    return Path(recorded) if recorded else None


def run_eval(options: EvalOptions) -> EvalReport:
    from inkling.completion.engine import Engine
    from inkling.training.score import bits_per_byte

    if options.cuts < 1:
        raise InklingError("--cuts must be positive")
    engine = Engine(options.model, options.settings)
    loaded = engine.runtime.checkpoint
    corpus = options.corpus or _recorded_corpus(loaded.meta)
    if options.split is not None:
        if corpus is None:
            raise InklingError("--split needs a corpus: give --corpus")
        files = [(doc.path, doc.text) for doc in iter_documents(corpus, options.split)]
    else:
        files = collect_eval_files(options.files)
    if corpus is not None and not (corpus / "report.json").is_file():
        if options.corpus is not None or options.baseline:
            raise InklingError(f"{corpus} is not a corpus folder (give --corpus, or --no-baseline)")
        corpus = None
    refuse_training_files(files, model_train_hashes(options.model, corpus))
    sample = sample_cuts(files, options.cuts, options.seed)
    if not sample.examples:
        raise InklingError("the evaluation files offer no cut points")

    rows: list[LineScores] = []
    model_scores, records = score(loaded.path.name or "model", engine.suggest_text, sample.examples)
    rows.append(model_scores)
    if options.baseline:
        if corpus is None:
            raise InklingError("the model records no training corpus: give --corpus, or --no-baseline")
        texts = (doc.text for doc in iter_documents(corpus, "train"))
        ngram = NGramModel.train(encode_documents(loaded.tokenizer, texts), n=4)
        baseline_scores, _ = score(
            "4-gram", lambda p, s: ngram.predict_line(loaded.tokenizer, p, s), sample.examples
        )
        rows.append(baseline_scores)
    bpb = bits_per_byte(loaded, [text for _, text in files])
    table = format_table(rows)
    ratio = ""
    if len(rows) == 2 and rows[1].exact_match > 0:
        ratio = f"\nexact match: {rows[0].exact_match / rows[1].exact_match:.2f}x the 4-gram baseline's"
    summary = (
        f"{table}{ratio}\nbits per byte: {bpb:.4f} over {len(files)} files; "
        f"{len(sample.examples)} cut points sampled from {sample.candidates:,} (seed {options.seed}), "
        f"{len(sample.skipped)} files skipped"
    )
    data = {
        "model": str(options.model),
        "evaluated": options.split or [str(p) for p in options.files],
        "files": len(files),
        "cuts": len(sample.examples),
        "seed": options.seed,
        "settings": asdict(options.settings),
        "bits_per_byte": bpb,
        "scores": [asdict(r) for r in rows],
        "examples": records[:50],
        "machine": platform.machine(),
    }
    return EvalReport(table=summary, data=data)
