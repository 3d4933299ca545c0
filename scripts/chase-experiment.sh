#!/usr/bin/env bash
# Issue 16's experiment: compact pointer chasing (does looping, and where CLP puts the extra depth,
# matter at equal parameters?) and TinyShakespeare language modelling at equal parameters, with the
# project's own trainer and engine. From the repository root after
# `mvn -o -q -B -Ptrainer -DskipTests package`:
#
#   scripts/chase-experiment.sh timing   # 50-step run of each chase family: seconds/step, to size the plan
#   scripts/chase-experiment.sh plan     # print the plan (runs in priority order) and which are done
#   scripts/chase-experiment.sh run      # run the plan in order, one run at a time (one lane, 1 thread)
#   scripts/chase-experiment.sh run N    # ... but stop after N runs (a sitting of bounded length)
#
# Each run: bin/plt-train (trainer/conf/chase/FAMILY.yaml or trainer/conf/shakespeare-families/FAMILY.yaml
# with --set for the seed, the order and the output), then bin/plt evaluate with the engine (the chase
# task on the held-out test examples, accuracy by hop; or perplexity on the held-out 5% tail of
# TinyShakespeare), then one small tracked file docs/results/chase/RUN.json: the engine's figures, the
# trainer's final figures and learning curve (every 250 steps), steps, seconds, seed, conf, commit.
# Resumable over several sittings: a run with a results file is skipped, a trained model is only
# evaluated, and a run interrupted while training starts again. Logs and models go to target/chase/.
# Run it from a separate clone so that builds in a worktree cannot disturb it, e.g.
#   git clone /work/wt-chase /work/chase-runs && cd /work/chase-runs \
#     && mvn -o -q -B -Ptrainer -DskipTests package && nohup scripts/chase-experiment.sh run > chase.log 2>&1 &
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out=target/chase
results=docs/results/chase
mkdir -p "$out" "$results"

# The plan, in priority order: "task order family seed" (task chase or lm; order - for lm).
plan() {
  local f s o
  for f in nonloop loop2 plt2-kvshare plt2; do echo "chase qh $f 1"; done
  for s in 2 3; do for f in nonloop loop2 plt2-kvshare plt2; do echo "chase qh $f $s"; done; done
  for f in plt2-hiddengate plt3 loop3; do echo "chase qh $f 1"; done
  for s in 1 2; do for f in nonloop loop2 plt2; do echo "chase hq $f $s"; done; done
  for s in 1 2; do for f in nonloop loop2 plt2-kvshare plt2 plt3; do echo "lm - $f $s"; done; done
  # Does PLT-2 catch up with vanilla loop-2 on order hq given more steps? (FAMILY:STEPS trains STEPS steps.)
  for s in 1 2; do echo "chase hq plt2:9000 $s"; done
}

# A family may carry a step count, FAMILY:STEPS (the family's conf with training.steps=STEPS): its runs are
# named FAMILY-STEPSsteps, so they never mix with the plan's runs of the conf's own length.
family_of() { echo "${1%%:*}"; }
steps_of() { [[ "$1" == *:* ]] && echo "${1##*:}" || true; }
run_label() { local steps; steps="$(steps_of "$1")"; echo "$(family_of "$1")${steps:+-${steps}steps}"; }

run_name() {  # task order family seed
  if [[ "$1" == chase ]]; then echo "chase-$2-$(run_label "$3")-s$4"; else echo "lm-$(run_label "$3")-s$4"; fi
}

conf_of() {  # task family
  if [[ "$1" == chase ]]; then echo "trainer/conf/chase/$(family_of "$2").yaml"; else
    echo "trainer/conf/shakespeare-families/$(family_of "$2").yaml"; fi
}

train() {  # task order family seed
  local name dir conf
  name="$(run_name "$@")"
  dir="$out/$name"
  conf="$(conf_of "$1" "$3")"
  local sets=(--set "training.seed=$4" --set "output=$dir")
  [[ "$1" == chase ]] && sets+=(--set "data.chase.order=$2")
  [[ -n "$(steps_of "$3")" ]] && sets+=(--set "training.steps=$(steps_of "$3")")
  if [[ ! -f "$dir/train_result.json" || ! -f "$dir/model.safetensors" ]]; then
    echo "$(date -u +%H:%M:%S) train $name: bin/plt-train --conf $conf ${sets[*]}"
    bin/plt-train --conf "$conf" "${sets[@]}" > "$out/$name.train.log" 2>&1
  fi
}

evaluate() {  # task order family seed; prints the evaluate command it ran
  local name dir eval
  name="$(run_name "$@")"
  dir="$out/$name"
  eval="$out/eval-$name"
  local cmd=(bin/plt evaluate --model "$dir" --output "$eval" --overwrite --master 'local[1]' --threads 1)
  if [[ "$1" == chase ]]; then
    cmd+=(--task chase --task-option "order=$2")
  else
    cmd+=(--task perplexity --task-option tail_fraction=0.05)
  fi
  if [[ ! -f "$eval/metrics.json" ]]; then
    echo "$(date -u +%H:%M:%S) evaluate $name: ${cmd[*]}" >&2
    "${cmd[@]}" > "$out/eval-$name.log" 2>&1
  fi
  echo "${cmd[*]}"
}

record() {  # task order family seed evaluate-command: writes docs/results/chase/RUN.json
  local name dir
  name="$(run_name "$1" "$2" "$3" "$4")"
  dir="$out/$name"
  jq -n --arg run "$name" --arg task "$1" --arg order "$2" --arg family "$(family_of "$3")" --argjson seed "$4" \
    --arg conf "$(conf_of "$1" "$3")" --arg commit "$(git rev-parse --short HEAD)" --arg evaluate "$5" \
    --slurpfile train "$dir/train_result.json" --slurpfile metrics "$out/eval-$name/metrics.json" \
    --slurpfile curve "$dir/curve.jsonl" '
    $train[0] as $t | $metrics[0] as $m |
    {run: $run, task: $task, family: $family, seed: $seed}
    + (if $task == "chase" then {order: $order} else {} end)
    + {conf: $conf, commit: $commit, parameters: $t.parameters, steps: $t.steps, seconds: $t.seconds,
       train_seconds: $t.train_seconds, seconds_per_step: $t.seconds_per_step,
       model_dir: $t.conf.output}
    + (if $task == "chase" then
        {engine: {acc_hop_1: $m.subjects.hop_1.acc.value, acc_hop_2: $m.subjects.hop_2.acc.value,
                  acc_all: $m.metrics.acc.value, n_hop_1: $m.subjects.hop_1.acc.n,
                  n_hop_2: $m.subjects.hop_2.acc.n, n: $m.n, errors: $m.errors},
         trainer_final_accuracy: $t.accuracy}
      else
        {engine: {bits_per_byte: $m.metrics.bits_per_byte.value, byte_perplexity: $m.metrics.byte_perplexity.value,
                  word_perplexity: $m.metrics.word_perplexity.value, documents: $m.n, errors: $m.errors},
         trainer_final_val_bits_per_byte: $t.val_bits_per_token}
      end)
    + {evaluate: $evaluate,
       curve: [$curve[] | {step, seconds, train_loss, val_loss} + (if .accuracy then {accuracy} else {} end)]}
    ' > "$results/$name.json.tmp"
  mv "$results/$name.json.tmp" "$results/$name.json"
  echo "$(date -u +%H:%M:%S) done $name: $(jq -c '.engine' "$results/$name.json")"
}

case "${1:-}" in
  timing)
    # 50 steps per family (10 warm-up steps): the seconds/step of the plan's families on this machine now.
    tsv="$results/seconds-per-step.tsv"
    printf 'family\tseconds_per_step_50_steps\tparameters\tmeasured_utc\tload_average\n' > "$tsv"
    for f in nonloop loop2 plt2-kvshare plt2 plt2-hiddengate plt3 loop3; do
      dir="$out/timing-$f"
      bin/plt-train --conf "trainer/conf/chase/$f.yaml" --set training.steps=50 --set training.warmup_steps=10 \
        --set training.log_every=25 --set "output=$dir" > "$dir.log" 2>&1
      printf '%s\t%s\t%s\t%s\t%s\n' "$f" "$(jq .seconds_per_step "$dir/train_result.json")" \
        "$(jq .parameters "$dir/train_result.json")" "$(date -u +%FT%TZ)" "$(cut -d' ' -f1-3 /proc/loadavg)" >> "$tsv"
    done
    cat "$tsv"
    ;;
  plan)
    plan | while read -r task order family seed; do
      name="$(run_name "$task" "$order" "$family" "$seed")"
      if [[ -f "$results/$name.json" ]]; then state=done; elif [[ -f "$out/$name/train_result.json" ]]; then
        state=trained; else state=todo; fi
      echo "$name $state"
    done
    ;;
  run)
    limit="${2:-0}"
    exec 9> "$out/.lane.lock"
    if ! flock -n 9; then
      echo "scripts/chase-experiment.sh: another run of the plan holds $out/.lane.lock" >&2
      exit 2
    fi
    count=0
    while read -r task order family seed; do
      name="$(run_name "$task" "$order" "$family" "$seed")"
      [[ -f "$results/$name.json" ]] && continue
      if (( limit > 0 && count >= limit )); then break; fi
      train "$task" "$order" "$family" "$seed"
      command="$(evaluate "$task" "$order" "$family" "$seed")"
      record "$task" "$order" "$family" "$seed" "$command"
      count=$((count + 1))
    done < <(plan)
    echo "$(date -u +%H:%M:%S) plan: $count runs done in this sitting"
    ;;
  *)
    sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
