"""Reproduce the model-quality ablation table: line completion and keystrokes saved for each model beside the 4-gram baseline on the same cut points, with each model's size and training record.

    .venv/bin/python -m bench.quality [--models NAME=DIR ...] [--heldout DIR ...] [--corpus DIR]
        [--cuts 500] [--seed 0] [--keystroke-files 4] [--keystroke-chars 3000]
        [--json OUT] [--markdown OUT] [--plot OUT.svg] [--curves NAME=DIR ...]

Protocol (EVALUATION.md). Cut points are sampled once (seeded) from the cross-project held-out files
(default: click 8.1.7, fetched by scripts/train_default_model.sh) and, when --corpus is a corpus folder,
once more from its test split; every model and the baseline answer the same cut points. Each model answers
through the product's predictor (`Engine.suggest_text`: gate, decoding, post-processing, style), on one
thread as the server runs it. The baseline is a 4-gram over the first model's tokenizer, trained on the
train split of the corpus that model's config.json records (as `inkling eval` does). Keystrokes saved
(`bench.keystrokes`) replays a seeded choice of held-out files, the first --keystroke-chars
characters of each (whole lines). Held-out files whose content is in a model's training set are refused.

The plot draws validation loss against training tokens from each model's train_log.jsonl (and from the
runs --curves names, which are not evaluated), as a self-contained SVG.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from bench.keystrokes import KeystrokeConfig, Replay, replay, replay_engine, total
from inkling.completion.engine import Engine
from inkling.data.corpus import iter_documents
from inkling.errors import InklingError
from inkling.eval.cuts import CutSample, sample_cuts
from inkling.eval.leakage import collect_eval_files, refuse_training_files
from inkling.eval.line_completion import LineScores, Predictor, score
from inkling.eval.ngram import NGramModel, encode_documents
from inkling.eval.run import model_train_hashes
from inkling.serving.checkpoint import CONFIG_FILE, WEIGHTS_FILE
from inkling.serving.runtime import single_thread
from inkling.settings import Settings, parse_settings

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = REPO / "server" / "inkling" / "assets" / "default"
DEFAULT_HELDOUT = REPO / "runs" / "heldout" / "click-8.1.7" / "click"
DEFAULT_CORPUS = REPO / "runs" / "stdlib" / "corpus"
LOG_FILE = "train_log.jsonl"
BASELINE = "4-gram"
MIN_REPLAY_CHARS = 1000  # files shorter than this (or than --keystroke-chars) are not replayed, if others are
# The targets on cross-project held-out code (issue 7).
TARGETS = {
    "exact_match": 35.0,
    "edit_similarity": 65.0,
    "first_token_accuracy": 65.0,
    "keystrokes_saved": 30.0,
    "em_vs_baseline": 2.0,
}
COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf")


@dataclass(frozen=True)
class Options:
    """What to measure, and on which code."""

    models: tuple[tuple[str, Path], ...]
    heldout: tuple[Path, ...]
    corpus: Path | None = None  # its test split is a second evaluation set; None or not a corpus: skipped
    cuts: int = 500
    seed: int = 0
    keystroke_files: int = 4
    keystroke_chars: int = 3000
    settings: dict[str, Settings] = field(default_factory=dict)  # a model's server settings, by its name


@dataclass(frozen=True)
class EvalSet:
    """Files and the cut points sampled from them, shared by every model and the baseline."""

    name: str
    files: list[tuple[str, str]]
    sample: CutSample


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- models: their record, training hashes and loss curve ---


def read_json(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def read_log(model_dir: Path) -> list[dict[str, Any]]:
    """The model's evaluation log, one record per evaluation ([] when there is none)."""
    path = model_dir / LOG_FILE
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def loss_curve(model_dir: Path) -> list[tuple[float, float]]:
    """(training tokens, validation loss) points: the log's, else the final record of config.json."""
    points = [
        (float(r["tokens"]), float(r["valid_loss"]))
        for r in read_log(model_dir)
        if isinstance(r.get("tokens"), int | float) and isinstance(r.get("valid_loss"), int | float)
    ]
    if points:
        return points
    training = read_json(model_dir / CONFIG_FILE).get("training", {})
    if isinstance(training.get("tokens"), int | float) and isinstance(
        training.get("valid_loss"), int | float
    ):
        return [(float(training["tokens"]), float(training["valid_loss"]))]
    return []


def model_record(model_dir: Path, parameters: int) -> dict[str, Any]:
    """Size on disk, parameters, and the training record of config.json (tokens, wall time, losses)."""
    training = read_json(model_dir / CONFIG_FILE).get("training", {})
    losses = [loss for _, loss in loss_curve(model_dir)]
    return {
        "path": str(model_dir),
        "size_mb": (model_dir / WEIGHTS_FILE).stat().st_size / 1e6,
        "parameters": parameters,
        "training_tokens": training.get("tokens"),
        "training_seconds": training.get("seconds"),
        "training_steps": training.get("step"),
        "final_valid_loss": training.get("valid_loss"),
        "best_valid_loss": min(losses) if losses else training.get("valid_loss"),
        "bits_per_byte": training.get("bits_per_byte"),
        "corpus": training.get("corpus"),
    }


# --- measuring ---


def line_row(scores: LineScores) -> dict[str, Any]:
    n = scores.n
    return {
        "n": n,
        "suggested": scores.suggested,
        "suggested_pct": 100.0 * scores.suggested / n if n else 0.0,
        "exact_match": scores.exact_match,
        "edit_similarity": scores.edit_similarity,
        "first_token_accuracy": scores.first_token_accuracy,
        "ms_per_cut": 1000.0 * scores.seconds / n if n else 0.0,
    }


def keystroke_row(replays: Sequence[Replay]) -> dict[str, Any]:
    both = total(replays)
    return {
        "files": len(replays),
        "chars": both.chars,
        "typed": both.typed,
        "accepted": both.accepted,
        "accepted_chars": both.accepted_chars,
        "requests": both.requests,
        "saved_pct": both.saved,
        "ms_per_request": 1000.0 * both.seconds / both.requests if both.requests else 0.0,
        "per_file": [{**asdict(r), "saved_pct": r.saved} for r in replays],
    }


def choose_replay_files(
    files: list[tuple[str, str]], k: int, max_chars: int, seed: int
) -> list[tuple[str, str]]:
    """k files, a seeded choice among those long enough to fill max_chars (or MIN_REPLAY_CHARS), by path."""
    if k <= 0:
        return []
    floor = min(max_chars, MIN_REPLAY_CHARS) if max_chars > 0 else MIN_REPLAY_CHARS
    pool = [f for f in files if len(f[1]) >= floor] or [f for f in files if f[1].strip()]
    return sorted(random.Random(seed).sample(pool, min(k, len(pool))))


def evaluate(
    name: str,
    predict: Predictor,
    sets: Sequence[EvalSet],
    replay_files: list[tuple[str, str]],
    replay_one: Callable[[str, str], Replay],
) -> dict[str, Any]:
    """Line completion on every evaluation set and keystrokes saved on the replay files, for one predictor."""
    row: dict[str, Any] = {"name": name}
    for eval_set in sets:
        start = time.perf_counter()
        scores, _ = score(f"{name} ({eval_set.name})", predict, eval_set.sample.examples, progress=True)
        row[eval_set.name] = line_row(scores)
        log(f"{name}: {eval_set.name} cuts done in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    replays = []
    for path, text in replay_files:
        replays.append(replay_one(path, text))
        log(f"{name}: keystrokes {Path(path).name}: {replays[-1].saved:.1f}% saved")
    row["keystrokes"] = keystroke_row(replays)
    log(f"{name}: keystrokes done in {time.perf_counter() - start:.1f} s")
    return row


def engine_replayer(engine: Engine, config: KeystrokeConfig) -> Callable[[str, str], Replay]:
    def replay_one(path: str, text: str) -> Replay:
        return replay_engine(engine, path, text, config)

    return replay_one


def measure(options: Options) -> dict[str, Any]:
    """Every number of the table, as one JSON-ready dict."""
    if not options.models:
        raise InklingError("no models given")
    if options.cuts < 1:
        raise InklingError("--cuts must be positive")
    started = time.perf_counter()
    single_thread()  # as `inkling serve` runs the model
    heldout = collect_eval_files(list(options.heldout))
    sets = [EvalSet("heldout", heldout, sample_cuts(heldout, options.cuts, options.seed))]
    corpus = options.corpus
    if corpus is not None and (corpus / "report.json").is_file():
        test = [(doc.path, doc.text) for doc in iter_documents(corpus, "test")]
        sets.append(EvalSet("test", test, sample_cuts(test, options.cuts, options.seed)))
    elif corpus is not None:
        log(f"{corpus} is not a corpus folder: no test-split row")
    for eval_set in sets:
        if not eval_set.sample.examples:
            raise InklingError(f"the {eval_set.name} files offer no cut points")
    config = KeystrokeConfig(max_chars=options.keystroke_chars)
    replay_files = choose_replay_files(
        heldout, options.keystroke_files, options.keystroke_chars, options.seed
    )

    rows: list[dict[str, Any]] = []
    first_tokenizer = None
    first_corpus: str | None = None
    for name, model_dir in options.models:
        engine = Engine(model_dir, options.settings.get(name))
        checkpoint = engine.runtime.checkpoint
        record = model_record(model_dir, checkpoint.num_parameters())
        hashes = model_train_hashes(model_dir, Path(record["corpus"]) if record["corpus"] else None)
        for eval_set in sets:
            refuse_training_files(eval_set.files, hashes)
        if first_tokenizer is None:
            first_tokenizer, first_corpus = checkpoint.tokenizer, record["corpus"]
        row = evaluate(name, engine.suggest_text, sets, replay_files, engine_replayer(engine, config))
        rows.append({**row, **record})
        del engine

    baseline: dict[str, Any] | None = None
    if first_tokenizer is not None and first_corpus and (Path(first_corpus) / "report.json").is_file():
        start = time.perf_counter()
        texts = (doc.text for doc in iter_documents(Path(first_corpus), "train"))
        ngram = NGramModel.train(encode_documents(first_tokenizer, texts), n=4)
        train_s = time.perf_counter() - start
        log(f"{BASELINE}: trained on {first_corpus} in {train_s:.1f} s")
        tokenizer = first_tokenizer

        def predict(prefix: str, suffix: str) -> str:
            return ngram.predict_line(tokenizer, prefix, suffix)

        baseline = evaluate(
            BASELINE, predict, sets, replay_files, lambda path, text: replay(path, text, predict, config)
        )
        baseline.update(
            {
                "corpus": first_corpus,
                "train_seconds": train_s,
                "contexts": ngram.contexts,
                "nbytes": ngram.nbytes,
            }
        )
        for row in rows:
            for eval_set in sets:
                base = baseline[eval_set.name]["exact_match"]
                row[eval_set.name]["em_vs_baseline"] = (
                    row[eval_set.name]["exact_match"] / base if base else None
                )
    else:
        log(f"the first model records no corpus folder ({first_corpus}): no {BASELINE} baseline")

    for row in rows:
        row["targets_met"] = targets_met(row)
    return {
        "heldout": [str(p) for p in options.heldout],
        "corpus": str(corpus) if corpus is not None else None,
        "sets": {
            s.name: {
                "files": len(s.files),
                "cuts": len(s.sample.examples),
                "candidates": s.sample.candidates,
                "skipped": s.sample.skipped,
            }
            for s in sets
        },
        "seed": options.seed,
        "keystroke_files": [path for path, _ in replay_files],
        "keystroke_chars": options.keystroke_chars,
        "targets": TARGETS,
        "models": rows,
        "baseline": baseline,
        "wall_s": time.perf_counter() - started,
    }


def targets_met(row: dict[str, Any]) -> dict[str, bool | None]:
    """Each target of the issue on the held-out set: met, missed, or None when it was not measured."""
    heldout = row["heldout"]
    values = {
        **{key: heldout.get(key) for key in TARGETS},
        "keystrokes_saved": row["keystrokes"]["saved_pct"],
    }
    if not row["keystrokes"]["files"]:
        values["keystrokes_saved"] = None
    return {key: None if values[key] is None else values[key] >= goal for key, goal in TARGETS.items()}


# --- the table ---


def _num(value: Any, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _count(value: Any) -> str:
    """12_345_678 -> 12.3M, 45_000 -> 45k, 2_000_000 -> 2M."""
    if value is None:
        return "-"
    for size, unit in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.3g}{unit}"
    return f"{value:g}"


def _duration(seconds: Any) -> str:
    if seconds is None:
        return "-"
    return f"{seconds / 3600:.1f} h" if seconds >= 3600 else f"{seconds / 60:.1f} min"


def table_rows(result: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    has_test = "test" in result["sets"]
    header = [
        "model",
        "EM",
        "ES",
        "first-token %",
        "suggested %",
        "keystrokes saved %",
        "ms/cut",
        "EM ÷ 4-gram",
    ]
    if has_test:
        header += ["test EM", "test ES", "test EM ÷ 4-gram"]
    header += ["MB", "parameters", "train tokens", "train time", "best valid loss"]
    body: list[list[str]] = []
    entries = [*result["models"], *([result["baseline"]] if result["baseline"] else [])]
    for row in entries:
        model = row is not result["baseline"]
        held = row["heldout"]
        cells = [
            row["name"],
            _num(held["exact_match"]),
            _num(held["edit_similarity"]),
            _num(held["first_token_accuracy"]),
            _num(held["suggested_pct"], 1),
            _num(row["keystrokes"]["saved_pct"], 1) if row["keystrokes"]["files"] else "-",
            _num(held["ms_per_cut"], 1),
            _num(held.get("em_vs_baseline")) if model else "1.00",
        ]
        if has_test:
            test = row["test"]
            cells += [
                _num(test["exact_match"]),
                _num(test["edit_similarity"]),
                _num(test.get("em_vs_baseline")) if model else "1.00",
            ]
        if model:
            cells += [
                _num(row["size_mb"], 1),
                _count(row["parameters"]),
                _count(row["training_tokens"]),
                _duration(row["training_seconds"]),
                _num(row["best_valid_loss"], 3),
            ]
        else:
            cells += [_num(row["nbytes"] / 1e6, 1) + " (RAM)", "-", "-", "-", "-"]
        body.append(cells)
    return header, body


def markdown(result: dict[str, Any]) -> str:
    """The ablation table in Markdown, with a line on what it was measured on and the targets."""
    header, body = table_rows(result)
    sets = result["sets"]
    lines = [
        f"Cross-project held-out: {', '.join(result['heldout'])} ({sets['heldout']['files']} files, "
        f"{sets['heldout']['cuts']} cut points of {sets['heldout']['candidates']:,}, seed {result['seed']})."
    ]
    if "test" in sets:
        lines.append(
            f"Test split of {result['corpus']}: {sets['test']['files']} files, {sets['test']['cuts']} cut points."
        )
    lines.append(
        f"Keystrokes saved: {len(result['keystroke_files'])} held-out files, the first "
        f"{result['keystroke_chars']} characters of each."
    )
    lines += [
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join(["---", *["---:"] * (len(header) - 1)]) + "|",
    ]
    lines += ["| " + " | ".join(cells) + " |" for cells in body]
    t = result["targets"]
    lines += [
        "",
        f"Targets (held-out): EM ≥ {t['exact_match']:g}, ES ≥ {t['edit_similarity']:g}, first-token ≥ "
        f"{t['first_token_accuracy']:g}%, keystrokes saved ≥ {t['keystrokes_saved']:g}%, EM ≥ "
        f"{t['em_vs_baseline']:g}× the 4-gram's.",
    ]
    for row in result["models"]:
        met = row["targets_met"]
        missed = [key for key, ok in met.items() if ok is False]
        done = sum(ok is True for ok in met.values())
        lines.append(
            f"- {row['name']}: {done} of {len(met)} met"
            + (f"; missed: {', '.join(missed)}" if missed else "")
        )
    return "\n".join(lines) + "\n"


# --- the plot ---


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high], about `count` of them (steps of 1, 2 or 5 times a power of 10)."""
    if not math.isfinite(low) or not math.isfinite(high):
        return [0.0]
    if high <= low:
        low, high = low - 0.5, high + 0.5
    raw = (high - low) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def svg_plot(
    curves: Sequence[tuple[str, list[tuple[float, float]]]], width: int = 760, height: int = 440
) -> str:
    """Validation loss (y) against training tokens (x), one polyline per curve with point markers, axes with
    ticks, and a legend on the right; curves without points appear in the legend only."""
    left, right, top, bottom = 70, 200, 40, 60
    plot_w, plot_h = width - left - right, height - top - bottom
    points = [p for _, curve in curves for p in curve]
    xs = nice_ticks(0.0, max((x for x, _ in points), default=1.0))
    ys = nice_ticks(min((y for _, y in points), default=0.0), max((y for _, y in points), default=1.0))
    x0, x1, y0, y1 = xs[0], xs[-1], ys[0], ys[-1]

    def px(x: float) -> float:
        return left + (x - x0) / (x1 - x0) * plot_w

    def py(y: float) -> float:
        return top + (y1 - y) / (y1 - y0) * plot_h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="white"/>',
        f'<text x="{left + plot_w / 2:.1f}" y="22" text-anchor="middle" font-size="14">'
        "Validation loss against training tokens</text>",
    ]
    for x in xs:
        out.append(
            f'<line x1="{px(x):.1f}" y1="{top}" x2="{px(x):.1f}" y2="{top + plot_h}" stroke="#e5e5e5"/>'
        )
        out.append(
            f'<text x="{px(x):.1f}" y="{top + plot_h + 18}" text-anchor="middle">{escape(_count(x))}</text>'
        )
    for y in ys:
        out.append(
            f'<line x1="{left}" y1="{py(y):.1f}" x2="{left + plot_w}" y2="{py(y):.1f}" stroke="#e5e5e5"/>'
        )
        out.append(f'<text x="{left - 8}" y="{py(y) + 4:.1f}" text-anchor="end">{y:g}</text>')
    out += [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="black"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="black"/>',
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 18}" text-anchor="middle">training tokens</text>',
        f'<text transform="translate(18 {top + plot_h / 2:.1f}) rotate(-90)" text-anchor="middle">'
        "validation loss (nats/token)</text>",
    ]
    for i, (name, curve) in enumerate(curves):
        color = COLORS[i % len(COLORS)]
        if curve:
            coords = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in curve)
            out.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{coords}"/>')
            out += [f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="2.5" fill="{color}"/>' for x, y in curve]
        ly = top + 10 + 20 * i
        lx = left + plot_w + 16
        out.append(f'<line x1="{lx}" y1="{ly}" x2="{lx + 24}" y2="{ly}" stroke="{color}" stroke-width="2"/>')
        label = name if curve else f"{name} (no log)"
        out.append(f'<text x="{lx + 30}" y="{ly + 4}">{escape(label)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


# --- the command ---


def parse_model(spec: str) -> tuple[str, Path]:
    """NAME=DIR, or a bare DIR named after its folder."""
    name, sep, folder = spec.partition("=")
    if not sep:
        return Path(spec).name, Path(spec)
    if not name or not folder:
        raise argparse.ArgumentTypeError(f"expected NAME=DIR, got {spec!r}")
    return name, Path(folder)


def parse_setting(spec: str) -> tuple[str, str, Any]:
    """NAME:SETTING=VALUE (VALUE as JSON): a server setting for the model named NAME."""
    name, sep, rest = spec.partition(":")
    key, equals, raw = rest.partition("=")
    if not sep or not equals or not name or not key:
        raise argparse.ArgumentTypeError(f"expected NAME:SETTING=VALUE, got {spec!r}")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return name, key, value


def model_settings(specs: list[tuple[str, str, Any]]) -> dict[str, Settings]:
    """Each named model's settings; a setting the server would not accept is an error, not a warning."""
    raw: dict[str, dict[str, Any]] = {}
    for name, key, value in specs:
        raw.setdefault(name, {})[key] = value
    out = {}
    for name, values in raw.items():
        settings, warnings = parse_settings(values)
        if warnings:
            raise InklingError(f"--set for {name}: {'; '.join(warnings)}")
        out[name] = settings
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--models", nargs="+", type=parse_model, default=[("shipped", DEFAULT_MODEL)], metavar="NAME=DIR"
    )
    parser.add_argument(
        "--set",
        action="append",
        type=parse_setting,
        default=[],
        metavar="NAME:SETTING=VALUE",
        help="a server setting for one model (repeatable), e.g. new-nocache:cacheWeight=0",
    )
    parser.add_argument("--heldout", nargs="+", type=Path, default=[DEFAULT_HELDOUT], help="folders or files")
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="its test split: a second row set"
    )
    parser.add_argument("--cuts", type=int, default=500, help="cut points per evaluation set")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keystroke-files", type=int, default=4, help="held-out files replayed (0: none)")
    parser.add_argument(
        "--keystroke-chars", type=int, default=3000, help="characters per replayed file (0: all)"
    )
    parser.add_argument("--json", type=Path, help="write every number here")
    parser.add_argument("--markdown", type=Path, help="write the table here")
    parser.add_argument("--plot", type=Path, help="write the loss curves here (SVG)")
    parser.add_argument(
        "--curves",
        nargs="+",
        type=parse_model,
        default=[],
        metavar="NAME=DIR",
        help="more runs for the plot only, not evaluated (e.g. the ablation's, measured in another run)",
    )
    args = parser.parse_args(argv)
    names = [name for name, _ in args.models]
    if len(set(names)) != len(names) or BASELINE in names:
        parser.error(f"model names must be distinct and not {BASELINE!r}: {names}")
    options = Options(
        models=tuple(args.models),
        heldout=tuple(args.heldout),
        corpus=args.corpus,
        cuts=args.cuts,
        seed=args.seed,
        keystroke_files=args.keystroke_files,
        keystroke_chars=args.keystroke_chars,
        settings=model_settings(args.set),
    )
    try:
        result = measure(options)
    except InklingError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    table = markdown(result)
    print(table, end="")
    print(f"wall time: {result['wall_s']:.1f} s")
    if args.plot:
        args.plot.parent.mkdir(parents=True, exist_ok=True)
        drawn: dict[Path, str] = {}  # one curve per folder: a model evaluated twice has one training run
        for name, folder in [*args.models, *args.curves]:
            drawn.setdefault(folder.resolve(), name)
        args.plot.write_text(
            svg_plot([(name, loss_curve(folder)) for folder, name in drawn.items()]), encoding="utf-8"
        )
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(table, encoding="utf-8")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
