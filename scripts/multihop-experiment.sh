#!/usr/bin/env bash
# The multihop experiment of docs/RESULTS.md, end to end, from the repository root after
# `mvn -q -B -Ptrainer -DskipTests package`:
#   1. training data: the multihop task's *train* split (disjoint from the test split by construction),
#      15,000 problems per depth 1..4, shuffled;
#   2. five models with the same 2 x d96 layers, trained side by side (two at a time, one PyTorch
#      thread each): non-loop, vanilla loop-2, PLT-2 KV-share only, PLT-2, PLT-3;
#   3. each evaluated with `bin/plt evaluate --task multihop` (the test split, 200 problems per depth);
#   4. decode latency and KV bytes of the five, side by side in one `bin/plt bench --models` run.
# Everything goes to target/multihop/. Steps already done are skipped: delete a
# model's directory to retrain it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out=target/multihop   # where trainer/conf/multihop/*.yaml read and write
models=(nonloop loop2 plt2-kvshare plt2 plt3)
mkdir -p "$out"

if [[ ! -f "$out/train.jsonl" ]]; then
  bin/plt task-data --task multihop --task-option split=train --task-option n=15000 --shuffle-seed 1 \
    --output "$out/train.jsonl"
fi

train() {  # trains one model unless its checkpoint exists; the configs write to target/multihop/NAME
  local name="$1"
  if [[ ! -f "$out/$name/model.safetensors" ]]; then
    bin/plt-train --conf "trainer/conf/multihop/$name.yaml" > "$out/$name.train.log" 2>&1
  fi
}
# Two lanes of about equal work (loop count x steps): PLT-3 + PLT-2 | non-loop + loop-2 + KV-share only.
( train plt3; train plt2 ) &
lane=$!
train nonloop; train loop2; train plt2-kvshare
wait "$lane"

for name in "${models[@]}"; do
  if [[ ! -f "$out/eval-$name/metrics.json" ]]; then
    bin/plt evaluate --task multihop --model "$out/$name" --output "$out/eval-$name" --overwrite \
      | tee "$out/eval-$name.txt"
  fi
done

# The cost columns: batch-1 decode ms/token (median of 5 rounds over the five models) and KV bytes at 1,024 tokens.
bin/plt bench --models "$(IFS=,; echo "${models[*]/#/$out/}")" --rounds 5 --steps 200 --warmup-steps 50 | tee "$out/bench-models.md"
