#!/usr/bin/env bash
# The recipe of the default model (server/inkling/assets/default, v0.4: MODEL_CARD.md): data → corpus →
# tokenizer → train → eval → ship. Run from the repository root with the venv active (`make setup;
# . .venv/bin/activate`). About 90 minutes on a 2-core CPU (MINUTES of training, plus fetching, tokenizing
# and evaluating). Training takes THREADS=2 torch threads and a sampled softmax (training/sampled.py: 2.2x the
# tokens/s of the full one); set THREADS=1 when anything else runs on the machine: two threads then fall to
# a tenth of one thread's speed (model card, "Training throughput"). Work files go to runs/ (ignored by
# git). The model card (MODEL_CARD.md) records what this produced.
set -euo pipefail
RUN=runs/default
MINUTES=${MINUTES:-72}
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
  --sampled-softmax 1024 --comment-rate 0.2 --eval-every 2000 --eval-tokens 200000
# Shipped as float16 (half the size; served as float32): the same numbers as float32 (model card).
rm -rf "$RUN/model_half"
inkling export --model "$RUN/model" --out "$RUN/model_half" --half

inkling eval --model "$RUN/model_half" --split test --corpus runs/stdlib/corpus --cuts 1000 --json "$RUN/eval_test.json"
inkling eval --model "$RUN/model_half" --files runs/heldout/click-8.1.7/click --cuts 1000 --json "$RUN/eval_click.json"

# The generating commands' snippet index: the train split's self-contained, described functions (≤ 5 MB).
inkling snippets --corpus "$RUN/corpus" --out "$RUN/model_half/functions.json.gz"

mkdir -p server/inkling/assets/default
cp "$RUN/model_half/"{model.safetensors,config.json,tokenizer.json,train_hashes.txt,train_log.jsonl,functions.json.gz} \
  server/inkling/assets/default/
