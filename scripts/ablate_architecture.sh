#!/usr/bin/env bash
# The architecture and training-data ablation of the model card: each variant of the default recipe trained for
# the same number of steps (STEPS × 32 × 128 tokens) on the default corpus, PARALLEL at a time on one core
# each, then scored on click with bench/quality.py. Run after scripts/train_default_model.sh (it needs runs/default).
# Usage: [PARALLEL=2] scripts/ablate_architecture.sh [NAME ...]   (default: all; 13 to 26 minutes a run)
set -euo pipefail
RUN=runs/arch
STEPS=${STEPS:-600}
PARALLEL=${PARALLEL:-2}  # runs at a time, one thread each
mkdir -p "$RUN"
declare -A ARGS=(
  [base]=""  # the LSTM of v0.2
  [gru]="--shape cell=gru"
  [gru-nodrop]="--shape cell=gru --shape dropout=0.0"
  [gru-nofim]="--shape cell=gru --fim-rate 0.0"
  [gru-wide]="--shape cell=gru --shape n_hidden=512"
  [gru-vocab16k]="--shape cell=gru"
)
declare -A VOCAB=([gru-vocab16k]=16384)  # runs with their own tokenizer of this size
train() {  # NAME
  local name=$1 extra=${ARGS[$1]} tok=runs/default/tokenizer size=${VOCAB[$1]:-}
  if [ -n "$size" ]; then
    tok="$RUN/tok_$size"
    [ -f "$tok/tokenizer.json" ] || inkling tokenizer --corpus runs/default/corpus --out "$tok" --vocab-size "$size"
  fi
  # shellcheck disable=SC2086
  OMP_NUM_THREADS=1 inkling train --corpus runs/default/corpus --tokenizer "$tok" --out "$RUN/$name" \
    --preset default --steps "$STEPS" --batch-size 32 --seq-len 128 --lr 3e-3 \
    --eval-every 200 --eval-tokens 100000 $extra >"$RUN/$name.log" 2>&1
}
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(base gru gru-nodrop gru-nofim gru-wide gru-vocab16k)
for ((i = 0; i < ${#names[@]}; i += PARALLEL)); do
  for ((j = i; j < i + PARALLEL && j < ${#names[@]}; j++)); do train "${names[j]}" & done
  wait
done
