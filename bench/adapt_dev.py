"""Function bodies from a comment and a signature, on the corpus's valid split: does offering adapted snippets
first (the shipped index, built from the train split) bring the first candidate closer to the real body?

    .venv/bin/python -m bench.adapt_dev [--corpus runs/default/corpus] [--tasks 60] [--seed 0]

Each task is a described function of the valid split that the snippet extractor keeps (self-contained or
not): the prompt is `# <its description>`, its `def` and `...`; the engine's `generate_code` answers it once
with the snippet index and once without. Reported: the edit similarity of the first candidate and of the best
of five to the real body. This is the split the
ordering is checked on, never the 48 tasks of `from_comment.py`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import textwrap
from pathlib import Path

from inkling.context.snippets import Snippet, extract
from inkling.data.corpus import iter_documents
from inkling.eval.metrics import edit_similarity

REPO = Path(__file__).resolve().parents[1]
MODEL = REPO / "server" / "inkling" / "assets" / "default"


def tasks(corpus: Path, count: int, seed: int) -> list[Snippet]:
    found = [s for doc in iter_documents(corpus, "valid") for s in extract(doc.text, doc.path, self_contained=False)]
    return random.Random(seed).sample(found, min(count, len(found)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO / "runs" / "default" / "corpus")
    parser.add_argument("--tasks", type=int, default=60)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    from inkling.completion.engine import Engine

    engine = Engine(MODEL)
    engine.load(MODEL)
    chosen = tasks(args.corpus, args.tasks, args.seed)
    results: dict[str, list[tuple[float, float]]] = {"with snippets": [], "without": []}
    for snippet in chosen:
        source = f"# {snippet.description}\n{snippet.header}\n    ...\n"
        for name, rows in results.items():
            engine.generator._shipped = None if name == "with snippets" else (engine.model_dir, None)  # None: load it
            texts = [textwrap.dedent(t.lstrip("\n")) for t in engine.generator.generate_code(source, 1, candidates=5)]
            similarities = [edit_similarity(t.strip(), snippet.body.strip()) for t in texts] or [0.0]
            rows.append((similarities[0], max(similarities)))
    print(f"{len(chosen)} valid-split functions, seed {args.seed}")
    for name, rows in results.items():
        first = statistics.mean(r[0] for r in rows)
        best = statistics.mean(r[1] for r in rows)
        print(f"{name:14} ES first {first:5.1f}  best of 5 {best:5.1f}")
    engine.executor.shutdown(wait=False)


if __name__ == "__main__":
    main()
