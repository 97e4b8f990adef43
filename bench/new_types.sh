#!/usr/bin/env bash
# Adding an entity type to a trained model without forgetting the others (issue 32), measured on
# CoNLL-2003: the parent is trained on train.txt with MISC tagged O; the new data are N sentences
# of train.txt annotated with MISC only. Each method trains from the parent (`ner train --init`)
# and is scored on the dev set with all four types: PER/LOC/ORG micro F1 (against the parent's)
# and MISC F1. Model selection (early stopping) uses the same dev file for every method: its
# gold MISC entities plus the parent's PER/LOC/ORG predictions, so no method sees the dev
# set's gold PER/LOC/ORG.
#
#   bench/new_types.sh [--test] [--seeds "1 2 3"] [--sizes "1000 250 4000"] [--methods "..."]
#                      [--epochs 6] [--patience 2] [--cooldown 0] [--selection micro]
#                      [--lr 0.001] [--rehearse-ratio 1]
#
# Methods: naive (--no-keep-types: the new data's O is O), keep (--keep-types), rehearse
# (--no-keep-types --rehearse the parent's training data:1), partial (--partial-annotation),
# keep+partial, rehearse+partial, keep+rehearse+partial (the new data's other types from the parent,
# the old data's O unknown among O and the new type), self+rehearse+partial (self-training,
# `--rehearse-tagged-by`: the rehearse+partial model of the same N, seed and schedule with
# rehearsal ratio 1, which must exist, tags the rehearsal sample with the new type, trained on as
# gold there), keep+self+rehearse+partial (the same with --keep-types). --cooldown K lowers the learning rate linearly to 0 over the last
# K epochs (`ner train --cooldown-epochs`); --selection macro chooses the epoch by the dev set's
# macro F1 (`ner train --selection`). --lr sets the fine-tuning's learning rate; --rehearse-ratio
# how many sentences of old data the rehearsal methods mix in per new sentence. Runs two trainings at a time, --threads 1. Work files go to
# $WORK (default /tmp/new_types); a table in Markdown to stdout. --test adds the test scores
# (report them once per configuration, at the end). The parent (the longest step) is trained once
# and reused when $WORK/parent.ner exists.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/two_at_a_time.sh
source bench/two_at_a_time.sh
ner=${NER:-$PWD/.build/release/ner}
data=${DATA:-$PWD/../shared/data/conll2003}
glove=${GLOVE:-$PWD/../shared/embeddings/glove.6B.50d.txt.gz}
work=${WORK:-/tmp/new_types}
seeds="1"; sizes="1000 250 4000"; methods="naive keep rehearse partial"; test=0; epochs=6; patience=2; cooldown=0; selection=micro; lr=0.001; ratio=1
while [ $# -gt 0 ]; do
  case $1 in
    --test) test=1 ;;
    --seeds) seeds=$2; shift ;;
    --sizes) sizes=$2; shift ;;
    --methods) methods=$2; shift ;;
    --epochs) epochs=$2; shift ;;
    --patience) patience=$2; shift ;;
    --cooldown) cooldown=$2; shift ;;
    --selection) selection=$2; shift ;;
    --lr) lr=$2; shift ;;
    --rehearse-ratio) ratio=$2; shift ;;
    *) echo "usage: bench/new_types.sh [--test] [--seeds LIST] [--sizes LIST] [--methods LIST] [--epochs N] [--patience N] [--cooldown K] [--selection micro|macro] [--lr R] [--rehearse-ratio R]" >&2; exit 64 ;;
  esac
  shift
done
mkdir -p "$work"
py=bench/new_types.py

# The parent: the default model's configuration without case augmentation or the first-name
# swap (cheaper), on train.txt with MISC set to O, selected on valid.txt with MISC set to O.
for f in train valid; do
  [ -s "$work/$f.nomisc.txt" ] || awk '{ if (NF>0 && $NF ~ /-MISC$/) $NF="O"; print }' "$data/$f.txt" > "$work/$f.nomisc.txt"
done
if [ ! -s "$work/parent.ner" ]; then
  "$ner" train --train "$work/train.nomisc.txt" --dev "$work/valid.nomisc.txt" --embeddings "$glove" \
    --embeddings-vocab "$data/test.txt" --embeddings-vocab "$data/valid.txt" \
    --hidden 200 --unk-replace 0 --lr 0.001 --epochs 10 --patience 100 --threads 1 --seed 1 \
    --output "$work/parent.ner" > "$work/parent.log" 2>&1
fi

# The selection dev file: gold MISC, the parent's PER/LOC/ORG.
if [ ! -s "$work/valid.silver.txt" ]; then
  "$ner" tag --model "$work/parent.ner" --input conll "$data/valid.txt" > "$work/valid.parent.txt"
  python3 $py silver "$data/valid.txt" "$work/valid.parent.txt" MISC "$work/valid.silver.txt"
fi

score() {  # score MODEL GOLD -> "PLO-F1 MISC-F1"
  "$ner" eval --format json --model "$1" "$2" > "$1.$(basename "$2").json"
  local plo misc
  plo=$(python3 $py score "$1.$(basename "$2").json" PER LOC ORG | cut -d' ' -f1)
  misc=$(python3 $py score "$1.$(basename "$2").json" MISC | cut -d' ' -f1)
  echo "$plo $misc"
}

# The schedule other than the first one measured (6 epochs, patience 2, no cool-down, micro F1)
# goes in the model's name.
schedule_name() {
  local name=""
  [ "$epochs.$patience" = 6.2 ] || name=".e$epochs.p$patience"
  [ "$cooldown" = 0 ] || name="$name.c$cooldown"
  [ "$selection" = micro ] || name="$name.$selection"
  [ "$lr" = 0.001 ] || name="$name.lr$lr"
  [ "$ratio" = 1 ] || name="$name.r$ratio"
  echo "$name"
}

train_one() {  # train_one N SEED METHOD
  local n=$1 seed=$2 method=$3 sched
  sched=$(schedule_name)
  local out="$work/m.$1.$2.$3$sched.ner"
  [ -s "$out" ] && return 0
  local args=(--init "$work/parent.ner" --train "$work/misc.$n.$seed.txt" --dev "$work/valid.silver.txt"
              --unk-replace 0 --lr "$lr" --epochs "$epochs" --patience "$patience" --cooldown-epochs "$cooldown" --selection "$selection" --threads 1 --seed "$seed" --output "$out")
  case $method in
    naive) args+=(--no-keep-types) ;;
    keep) args+=(--keep-types) ;;
    rehearse) args+=(--no-keep-types --rehearse "$work/train.nomisc.txt:$ratio") ;;
    partial) args+=(--partial-annotation) ;;
    keep+partial) args+=(--keep-types --partial-annotation) ;;
    rehearse+partial) args+=(--partial-annotation --rehearse "$work/train.nomisc.txt:$ratio") ;;
    keep+rehearse+partial) args+=(--keep-types --partial-annotation --rehearse "$work/train.nomisc.txt:$ratio") ;;
    self+rehearse+partial|keep+self+rehearse+partial)
      # Self-training: the rehearse+partial model of the same N, seed and schedule (rehearsal
      # ratio 1 whatever --rehearse-ratio says) tags the rehearsal sample with MISC, which is
      # then trained on as gold there.
      local first="$work/m.$n.$seed.rehearse+partial$(ratio=1 schedule_name).ner"
      [ -s "$first" ] || { echo "$method needs $first: run rehearse+partial first" > "$out.log"; return 1; }
      [ "$method" = self+rehearse+partial ] || args+=(--keep-types)
      args+=(--partial-annotation --rehearse "$work/train.nomisc.txt:$ratio" --rehearse-tagged-by "$first") ;;
  esac
  /usr/bin/time -f "%e" -o "$out.seconds" "$ner" train "${args[@]}" > "$out.log" 2>&1
}

jobs_list=()
for seed in $seeds; do
  for n in $sizes; do
    [ -s "$work/misc.$n.$seed.txt" ] || python3 $py only MISC "$data/train.txt" "$n" "$seed" "$work/misc.$n.$seed.txt"
    for m in $methods; do jobs_list+=("$n $seed $m"); done
  done
done
two_at_a_time train_one "${jobs_list[@]}"

read -r parent_plo parent_misc < <(score "$work/parent.ner" "$data/valid.txt")
echo "Parent (MISC never annotated): dev PER/LOC/ORG micro F1 $parent_plo"
echo
if [ $test = 1 ]; then
  read -r tparent_plo _ < <(score "$work/parent.ner" "$data/test.txt")
  echo "Parent on test: PER/LOC/ORG micro F1 $tparent_plo"
  echo
  echo "| N | seed | method | dev PER/LOC/ORG F1 | Δ parent | dev MISC F1 | test PER/LOC/ORG F1 | Δ parent | test MISC F1 | training s |"
  echo "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
else
  echo "| N | seed | method | dev PER/LOC/ORG F1 | Δ parent | dev MISC F1 | training s |"
  echo "| ---: | ---: | --- | ---: | ---: | ---: | ---: |"
fi
for j in "${jobs_list[@]}"; do
  read -r n seed m <<< "$j"
  model="$work/m.$n.$seed.$m$(schedule_name).ner"
  if [ ! -s "$model" ]; then echo "| $n | $seed | $m | failed: see $model.log | | | |"; continue; fi
  read -r plo misc < <(score "$model" "$data/valid.txt")
  delta=$(python3 -c "print(f'{$plo - $parent_plo:+.2f}')")
  row="| $n | $seed | $m | $plo | $delta | $misc"
  if [ $test = 1 ]; then
    read -r tplo tmisc < <(score "$model" "$data/test.txt")
    row="$row | $tplo | $(python3 -c "print(f'{$tplo - $tparent_plo:+.2f}')") | $tmisc"
  fi
  echo "$row | $(cat "$model.seconds") |"
done
