#!/usr/bin/env bash
# Does canonicalizing the training data (`inkling corpus --normalize`) help line completion? Two models of
# the shipped shape, the same tokenizer (the shipped one) and the same time budget, trained side by side
# (one thread each), evaluated through the server's path on the same cut points of the raw test split.
set -euo pipefail
MINUTES=${MINUTES:-12}
RUN=runs/normalize_ablation
TOK=server/inkling/assets/default
mkdir -p "$RUN"
[ -f runs/stdlib/corpus/report.json ] || inkling corpus --out runs/stdlib/corpus
[ -f "$RUN/corpus_norm/report.json" ] || inkling corpus --normalize --out "$RUN/corpus_norm" > "$RUN/corpus_norm.log"
train() {
  OMP_NUM_THREADS=1 inkling train --corpus "$1" --tokenizer "$TOK" --out "$2" --preset default \
    --minutes "$MINUTES" --batch-size 32 --seq-len 64 --lr 3e-3 --eval-every 400 --eval-tokens 100000
}
train runs/stdlib/corpus "$RUN/raw" > "$RUN/raw.log" 2>&1 &
train "$RUN/corpus_norm" "$RUN/norm" > "$RUN/norm.log" 2>&1 &
wait
for name in raw norm; do
  inkling eval --model "$RUN/$name" --split test --corpus runs/stdlib/corpus --cuts 500 --no-baseline \
    --json "$RUN/eval_$name.json" > "$RUN/eval_$name.txt"
done
tail -n 8 "$RUN"/eval_*.txt
