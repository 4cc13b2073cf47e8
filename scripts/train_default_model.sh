#!/usr/bin/env bash
# The recipe of the shipped model (server/inkling/assets/default): corpus → tokenizer → train → eval → ship.
# Run from the repository root with the venv active (`make setup; . .venv/bin/activate`). About 60 minutes
# on a 2-core CPU. Work files go to runs/stdlib/ (ignored by git).
set -euo pipefail
RUN=runs/stdlib
MINUTES=${MINUTES:-55}
mkdir -p "$RUN" runs/heldout

inkling corpus --out "$RUN/corpus"                      # the standard library of this interpreter
inkling tokenizer --corpus "$RUN/corpus" --out "$RUN/tokenizer" --vocab-size 8192
time inkling train --corpus "$RUN/corpus" --tokenizer "$RUN/tokenizer" --out "$RUN/model" \
  --preset default --minutes "$MINUTES" --batch-size 32 --seq-len 64 --lr 3e-3 \
  --eval-every 400 --eval-tokens 200000

# A held-out package that is not in the corpus: click 8.1.7 (BSD-3-Clause), pinned, from its wheel.
if [ ! -d runs/heldout/click-8.1.7 ]; then
  pip download --no-deps click==8.1.7 -d runs/heldout
  python -m zipfile -e runs/heldout/click-8.1.7-py3-none-any.whl runs/heldout/click-8.1.7
fi
inkling eval --model "$RUN/model" --split test --cuts 1000 --json "$RUN/eval_test.json"
inkling eval --model "$RUN/model" --files runs/heldout/click-8.1.7/click --cuts 1000 --json "$RUN/eval_click.json"

mkdir -p server/inkling/assets/default
cp "$RUN/model/"{model.safetensors,config.json,tokenizer.json,train_hashes.txt,train_log.jsonl} \
  server/inkling/assets/default/
