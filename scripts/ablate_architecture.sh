#!/usr/bin/env bash
# The architecture and training-data ablation of the model card: each variant of the default recipe trained for
# the same number of steps (STEPS × 32 × 128 tokens) on the default corpus, two at a time on one core each,
# then scored on click with bench/quality.py. Run after scripts/train_default_model.sh (it needs runs/default).
# Usage: scripts/ablate_architecture.sh [NAME ...]   (default: all; about 15 minutes per pair on 2 cores)
set -euo pipefail
RUN=runs/arch
STEPS=${STEPS:-600}
mkdir -p "$RUN"
declare -A ARGS=(
  [base]=""
  [gru]="--shape cell=gru"
  [nodrop]="--shape dropout=0.0"
  [nofim]="--fim-rate 0.0"
  [wide]="--shape n_hidden=512"
  [deep]="--shape n_layers=3"
  [vocab4k]="VOCAB=4096"
  [vocab16k]="VOCAB=16384"
)
train() {  # NAME
  local name=$1 extra=${ARGS[$1]} tok=runs/default/tokenizer
  if [[ $extra == VOCAB=* ]]; then
    tok="$RUN/tok_${extra#VOCAB=}"
    [ -f "$tok/tokenizer.json" ] || inkling tokenizer --corpus runs/default/corpus --out "$tok" --vocab-size "${extra#VOCAB=}"
    extra=""
  fi
  # shellcheck disable=SC2086
  OMP_NUM_THREADS=1 inkling train --corpus runs/default/corpus --tokenizer "$tok" --out "$RUN/$name" \
    --preset default --steps "$STEPS" --batch-size 32 --seq-len 128 --lr 3e-3 \
    --eval-every 200 --eval-tokens 100000 $extra >"$RUN/$name.log" 2>&1
}
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(base gru nodrop nofim wide deep vocab4k vocab16k)
for ((i = 0; i < ${#names[@]}; i += 2)); do
  train "${names[i]}" &
  if ((i + 1 < ${#names[@]})); then train "${names[i + 1]}" & fi
  wait
done
