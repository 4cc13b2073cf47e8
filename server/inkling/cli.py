"""The `inkling` command line: corpus, tokenizer, train, finetune, eval, complete, normalize and serve (heavy imports per command)."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from inkling.atomic import write_text
from inkling.errors import InklingError
from inkling.settings import Settings, parse_settings

DEFAULT_MODEL = Path(__file__).parent / "assets" / "default"
MAX_SNIPPET_BYTES = 5_000_000  # the shipped snippet index's bound
# What a command says when an extra it needs is not installed (serving needs neither), by the missing module.
NEEDS = {
    "torch": "this command needs PyTorch, which serving does not: pip install -c constraints.txt 'inkling[train]' "
    "(constraints.txt pins the CPU build)",
    "rapidfuzz": "this command needs rapidfuzz for edit similarity, which serving does not: "
    "pip install -c constraints.txt 'inkling[eval]'",
}


def _cmd_corpus(args: argparse.Namespace) -> int:
    from inkling.data.corpus import CorpusConfig, build_corpus, default_roots, format_report

    roots = [Path(r) for r in args.roots] or default_roots()
    config = CorpusConfig(
        max_bytes=args.max_bytes,
        normalize=args.normalize,
        exclude_dirs=(*CorpusConfig().exclude_dirs, *args.exclude_dir),
    )
    report = build_corpus(roots, Path(args.out), config)
    print(format_report(report))
    return 0


def _cmd_tokenizer(args: argparse.Namespace) -> int:
    from inkling.data.corpus import iter_documents
    from inkling.serving.tokenizer import save_tokenizer, train_tokenizer

    texts = [doc.text for doc in iter_documents(Path(args.corpus), "train")]
    if not texts:
        raise InklingError(f"{args.corpus} has no training files")
    tokenizer = train_tokenizer(texts, vocab_size=args.vocab_size)
    path = save_tokenizer(tokenizer, Path(args.out))
    print(f"tokenizer: {tokenizer.get_vocab_size()} tokens trained on {len(texts)} files -> {path}")
    return 0


def _cmd_train(args: argparse.Namespace) -> int:
    from inkling.training.train import TrainConfig, train

    overrides = {
        k: getattr(args, k)
        for k in (
            "batch_size",
            "seq_len",
            "lr",
            "eval_every",
            "eval_tokens",
            "epochs",
            "fim_rate",
            "docstring_rate",
            "comment_rate",
            "sampled_softmax",
        )
        if getattr(args, k) is not None
    }
    config = TrainConfig(
        preset=args.preset,
        shape=dict(_pair(item) for item in args.shape),
        steps=args.steps,
        minutes=args.minutes,
        seed=args.seed,
        device=args.device,
        threads=args.threads,
        **overrides,
    )
    result = train(Path(args.corpus), Path(args.tokenizer), Path(args.out), config, resume=args.resume)
    summary = (
        f"{result.steps} steps, {result.tokens:,} tokens in {result.seconds:.0f} s "
        f"({result.tokens / max(result.seconds, 1e-9):,.0f} tokens/s); "
        f"best valid loss {result.best_valid_loss:.4f}, {result.best_bits_per_byte:.4f} bits/byte -> {args.out}"
    )
    if result.interrupted:
        print(f"interrupted and saved: {summary}; continue with --resume", file=sys.stderr)
        return 130
    print(summary)
    return 0


def _cmd_eval(args: argparse.Namespace) -> int:
    from inkling.eval.run import EvalOptions, run_eval

    options = EvalOptions(
        model=Path(args.model or DEFAULT_MODEL),
        files=[Path(p) for p in args.files],
        corpus=Path(args.corpus) if args.corpus else None,
        cuts=args.cuts,
        seed=args.seed,
        baseline=not args.no_baseline,
        split=args.split,
        settings=_settings(args.set),
    )
    if not options.files and options.split is None:
        raise InklingError("give --files, or --split with a corpus")
    report = run_eval(options)
    print(report.table)
    if args.json:
        write_text(Path(args.json), json.dumps(report.data, indent=2) + "\n")
    return 0


def _parse_location(location: str) -> tuple[Path, int, int]:
    parts = location.rsplit(":", 2)
    if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
        raise InklingError(f"expected FILE:LINE:COL, got {location!r}")
    return Path(parts[0]), int(parts[1]), int(parts[2])


def _cmd_complete(args: argparse.Namespace) -> int:
    from inkling.completion.engine import Engine

    path, line, col = _parse_location(args.location)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InklingError(f"no such file: {path}") from exc
    except UnicodeDecodeError as exc:
        raise InklingError(f"{path} is not UTF-8 text") from exc
    lines = text.split("\n")
    if not 1 <= line <= len(lines) or not 1 <= col <= len(lines[line - 1].rstrip("\r")) + 1:
        raise InklingError(f"{path} has no position {line}:{col}")
    offset = sum(len(item) + 1 for item in lines[: line - 1]) + col - 1
    prefix, suffix = text[:offset], text[offset:]
    engine = Engine(Path(args.model or DEFAULT_MODEL), _settings(args.set))
    engine.load(engine.model_dir)  # a broken model is an error even where the gate would suggest nothing
    print(engine.suggest_text(prefix, suffix))
    return 0


def _pair(pair: str) -> tuple[str, object]:
    """NAME=VALUE with a JSON value where it parses as one (beamWidth=2, dropout=0.0), else the string."""
    name, sep, value = pair.partition("=")
    if not sep:
        raise InklingError(f"expected NAME=VALUE, got {pair!r}")
    try:
        return name, json.loads(value)
    except json.JSONDecodeError:
        return name, value


def _settings(pairs: list[str]) -> Settings:
    """--set name=value pairs as Settings; a bad one is an error here."""
    settings, warnings = parse_settings(dict(_pair(pair) for pair in pairs))
    if warnings:
        raise InklingError("; ".join(warnings))
    return settings


def _cmd_finetune(args: argparse.Namespace) -> int:
    from inkling.training.finetune import default_out, finetune

    folder = Path(args.folder)
    if not folder.is_dir():
        raise InklingError(f"{folder} is not a folder")
    out = Path(args.out) if args.out else default_out(folder)

    def report(record: dict[str, object]) -> None:
        if args.json:
            print(json.dumps({"progress": record}), flush=True)

    result = finetune(folder, Path(args.model or DEFAULT_MODEL), out, args.minutes, report)
    if args.json:
        print(json.dumps({"result": result.to_json()}), flush=True)
    else:
        verdict = f"new model in {result.model}" if result.model else "no improvement: keep the current model"
        print(
            f"{result.files} files trained on, {result.held_out} held out; validation loss "
            f"{result.loss_before:.4f} -> {result.loss_after:.4f} nats/token in {result.steps} steps; {verdict}"
        )
    return 130 if result.interrupted else 0


def _cmd_export(args: argparse.Namespace) -> int:
    from inkling.serving.checkpoint import WEIGHTS_FILE
    from inkling.training.export import export_checkpoint

    out = export_checkpoint(Path(args.model), Path(args.out), args.half)
    print(f"{out} ({(out / WEIGHTS_FILE).stat().st_size / 1e6:.1f} MB of weights)")
    return 0


def _cmd_snippets(args: argparse.Namespace) -> int:
    from inkling.context.snippets import SnippetIndex, extract
    from inkling.data.corpus import iter_documents

    snippets = (s for doc in iter_documents(Path(args.corpus), "train") for s in extract(doc.text, doc.path))
    index = SnippetIndex(snippets)
    out = Path(args.out)
    index.save(out)
    size = out.stat().st_size
    if size > MAX_SNIPPET_BYTES:
        out.unlink()
        raise InklingError(
            f"the snippet index would be {size / 1e6:.1f} MB, over {MAX_SNIPPET_BYTES / 1e6:.0f} MB"
        )
    print(f"{out}: {len(index)} functions, {size / 1e3:.0f} kB")
    return 0


def _cmd_normalize(args: argparse.Namespace) -> int:
    from inkling.style.files import normalize_files

    outcome = normalize_files(
        [Path(f) for f in args.files], Path(args.style_of) if args.style_of else None, args.check, args.diff
    )
    if outcome.errors:
        return 2
    return 1 if args.check and outcome.changed else 0


def _cmd_serve(args: argparse.Namespace) -> int:
    import logging
    import secrets

    from inkling.lsp.server import build_server
    from inkling.lsp.transport import TOKEN_ENV, serve_stdio, serve_tcp

    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    logging.getLogger("pygls").setLevel(logging.WARNING)  # at INFO it logs every message, documents included
    if not args.max_message_mb > 0:
        raise InklingError(f"--max-message-mb must be positive, got {args.max_message_mb}")
    limit = int(args.max_message_mb * 1024 * 1024)
    server = build_server(Path(args.model or DEFAULT_MODEL))
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise InklingError(f"--tcp wants HOST:PORT, got {args.tcp!r}")
        token = os.environ.get(TOKEN_ENV) or secrets.token_urlsafe(24)
        if TOKEN_ENV not in os.environ:
            print(
                f"inkling serve: the client must send initializationOptions.token = {token!r} "
                f"(set {TOKEN_ENV} to choose it)",
                file=sys.stderr,
                flush=True,
            )
        return serve_tcp(server, host or "127.0.0.1", int(port), token, limit)
    protocol_out = sys.stdout.buffer
    sys.stdout = sys.stderr  # stdout is the protocol: a stray print must not corrupt it
    return serve_stdio(server, sys.stdin.buffer, protocol_out, limit)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="inkling", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("corpus", help="collect and clean .py files into train/valid/test shards")
    p.add_argument("roots", nargs="*", help="folders or files (default: this Python's standard library)")
    p.add_argument("--out", required=True)
    p.add_argument("--max-bytes", type=int, default=1_000_000, help="skip files larger than this")
    p.add_argument(
        "--normalize", action="store_true", help="rewrite train and valid files into PEP 8 style (test stays)"
    )
    p.add_argument(
        "--exclude-dir",
        action="append",
        default=[],
        metavar="NAME",
        help="also skip folders with this name, wherever they are (repeatable; e.g. test, encodings)",
    )
    p.set_defaults(func=_cmd_corpus)

    p = sub.add_parser("tokenizer", help="train the byte-level BPE tokenizer on the corpus's train split")
    p.add_argument("--corpus", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--vocab-size", type=int, default=8192)
    p.set_defaults(func=_cmd_tokenizer)

    p = sub.add_parser("train", help="train the RNN language model")
    p.add_argument("--corpus", required=True)
    p.add_argument("--tokenizer", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--preset", default="tiny")
    p.add_argument(
        "--shape",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a model setting of the preset: cell=gru, n_hidden=512, n_layers=3, dropout=0.0",
    )
    p.add_argument("--steps", type=int)
    p.add_argument("--epochs", type=float)
    p.add_argument("--minutes", type=float)
    p.add_argument("--resume", action="store_true", help="continue the run saved in --out")
    p.add_argument("--device", default="cpu")
    p.add_argument(
        "--threads", type=int, help="torch threads per process (default: torch's, all cores or OMP_NUM_THREADS)"
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--batch-size", type=int)
    p.add_argument("--seq-len", type=int)
    p.add_argument("--lr", type=float)
    p.add_argument("--eval-every", type=int)
    p.add_argument("--eval-tokens", type=int)
    p.add_argument("--fim-rate", type=float)
    p.add_argument("--docstring-rate", type=float)
    p.add_argument(
        "--comment-rate", type=float, help="share of documents whose docstrings become `# ...` lines above the def"
    )
    p.add_argument(
        "--sampled-softmax",
        type=int,
        help="train the output layer on each target and this many sampled tokens (default 0: all of them)",
    )
    p.set_defaults(func=_cmd_train)

    p = sub.add_parser("eval", help="line completion and bits per byte, beside a 4-gram baseline")
    p.add_argument("--model", help="model folder (default: the shipped model)")
    p.add_argument("--files", nargs="+", default=[], help="files or folders of held-out code")
    p.add_argument("--split", choices=("valid", "test"), help="evaluate this split of the corpus instead")
    p.add_argument(
        "--corpus", help="the training corpus, for the baseline (default: the one the model records)"
    )
    p.add_argument("--cuts", type=int, default=500)
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a server setting")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-baseline", action="store_true")
    p.add_argument("--json")
    p.set_defaults(func=_cmd_eval)

    p = sub.add_parser("complete", help="print the completion at FILE:LINE:COL (1-based)")
    p.add_argument("location")
    p.add_argument("--model", help="model folder (default: the shipped model)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a server setting")
    p.set_defaults(func=_cmd_complete)

    p = sub.add_parser("finetune", help="adapt a model to a project's own Python files")
    p.add_argument("folder")
    p.add_argument("--model", help="the model to start from (default: the shipped model)")
    p.add_argument("--out", help="default: ~/.cache/inkling/projects/<folder>-<hash>")
    p.add_argument("--minutes", type=float, default=5.0)
    p.add_argument("--json", action="store_true", help="progress and the result as JSON lines on stdout")
    p.set_defaults(func=_cmd_finetune)

    p = sub.add_parser("export", help="copy a trained model for shipping, optionally with float16 weights")
    p.add_argument("--model", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--half", action="store_true", help="store the weights as float16 (half the size)")
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser(
        "snippets", help="index a corpus's self-contained functions for the generating commands"
    )
    p.add_argument("--corpus", required=True, help="a corpus folder (its train split is read)")
    p.add_argument("--out", required=True, help="the index file (functions.json.gz beside a model's weights)")
    p.set_defaults(func=_cmd_snippets)

    p = sub.add_parser("normalize", help="rewrite Python files into their own style (or another file's)")
    p.add_argument("files", nargs="+", help="files or folders")
    p.add_argument("--style-of", metavar="FILE", help="take the style from this file instead")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file would change")
    p.add_argument("--diff", action="store_true", help="change nothing; print what would change")
    p.set_defaults(func=_cmd_normalize)

    p = sub.add_parser("serve", help="run the language server (stdio unless --tcp)")
    p.add_argument("--model", help="model folder (default: the shipped model)")
    p.add_argument(
        "--tcp",
        metavar="HOST:PORT",
        help="listen on a TCP socket instead of stdio, for one client that sends the token ($INKLING_TCP_TOKEN, "
        "or printed on stderr) as initializationOptions.token",
    )
    p.add_argument(
        "--max-message-mb",
        type=float,
        default=64.0,
        help="larger messages are skipped with a log line (default 64)",
    )
    p.set_defaults(func=_cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command in ("train", "finetune"):
        # Ctrl-C stops a training even when it was started with SIGINT ignored, as a shell does for `… &`
        # and as a server so started passes on: the server stops its finetune child with it.
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if args.command in ("serve", "complete", "eval"):
        from inkling.serving.runtime import single_thread

        single_thread()
    try:
        return int(args.func(args))
    except InklingError as exc:
        print(f"inkling {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"inkling {args.command}: error: {exc.strerror or exc}: {exc.filename or ''}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"inkling {args.command}: interrupted", file=sys.stderr)
        return 130
    except ModuleNotFoundError as exc:
        if exc.name not in NEEDS:
            raise
        print(f"inkling {args.command}: error: {NEEDS[exc.name]}", file=sys.stderr)
        return 2
