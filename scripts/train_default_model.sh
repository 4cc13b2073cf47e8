#!/usr/bin/env bash
# The recipe of the shipped model (server/inkling/assets/default): data → corpus → tokenizer → train → eval →
# ship. Run from the repository root with the venv active (`make setup; . .venv/bin/activate`). About 80
# minutes on a 2-core CPU (MINUTES of training, plus fetching, tokenizing and evaluating). v0.3 was trained
# with OMP_NUM_THREADS=1 (the other core ran the ablation); from v0.4 training takes THREADS=2 torch threads,
# 1.5x one thread's tokens/s on an idle machine, but set THREADS=1 when anything else runs on it: two
# threads then fall to a tenth of one thread's speed (model card, "Training throughput"). Work files go to
# runs/ (ignored by git). The model card (MODEL_CARD.md) records what this produced.
set -euo pipefail
RUN=runs/default
MINUTES=${MINUTES:-70}
THREADS=${THREADS:-2}
STDLIB=$(python -c "import sysconfig; print(sysconfig.get_paths()['stdlib'])")
mkdir -p "$RUN" runs/heldout

# Evaluation code first, so that training data can be checked against it: the standard library's test
# split (a path-hash split, the same files whatever else is in a corpus) and click 8.1.7 (BSD-3-Clause),
# a package that is not in the corpus.
inkling corpus --out runs/stdlib/corpus
if [ ! -d runs/heldout/click-8.1.7 ]; then
  pip download --no-deps click==8.1.7 -d runs/heldout
  python -m zipfile -e runs/heldout/click-8.1.7-py3-none-any.whl runs/heldout/click-8.1.7
fi

# Training data: the standard library without its tests, codecs, IDLE and lib2to3, and 63 pinned packages
# (data/packages.txt, data/DATA_CARD.md), with copies of evaluation code moved out.
PYTHON=python scripts/fetch_packages.sh
python scripts/dedupe_against_eval.py
inkling corpus --out "$RUN/corpus" "$STDLIB" runs/packages/src \
  --exclude-dir test --exclude-dir encodings --exclude-dir idlelib --exclude-dir lib2to3
inkling tokenizer --corpus "$RUN/corpus" --out "$RUN/tokenizer" --vocab-size 8192
time inkling train --corpus "$RUN/corpus" --tokenizer "$RUN/tokenizer" --out "$RUN/model" \
  --preset default --shape cell=gru --minutes "$MINUTES" --threads "$THREADS" --batch-size 32 --seq-len 128 --lr 3e-3 \
  --eval-every 200 --eval-tokens 200000

inkling eval --model "$RUN/model" --split test --corpus runs/stdlib/corpus --cuts 1000 --json "$RUN/eval_test.json"
inkling eval --model "$RUN/model" --files runs/heldout/click-8.1.7/click --cuts 1000 --json "$RUN/eval_click.json"

# The generating commands' snippet index: the train split's self-contained, described functions (≤ 5 MB).
inkling snippets --corpus "$RUN/corpus" --out "$RUN/model/functions.json.gz"

mkdir -p server/inkling/assets/default
cp "$RUN/model/"{model.safetensors,config.json,tokenizer.json,train_hashes.txt,train_log.jsonl,functions.json.gz} \
  server/inkling/assets/default/
