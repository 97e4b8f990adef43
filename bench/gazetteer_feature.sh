#!/usr/bin/env bash
# Issue 33's measured option: a gazetteer as a training feature (Chiu & Nichols 2016, Ghaddar &
# Langlais 2018), built from train.txt's entities only (bench/gazetteer_from_conll.py; never from
# dev or test), read by the model as `ner train --lexicon FILE` (each label a category: a token's
# longest-match state in each label's list is an input). The default model's configuration on
# train.txt alone (models/README.md, "How it was made", the first command), without and with the
# gazetteer, for each seed; scored on dev only, as written and recased (bench/recase_table.sh).
#
#   bash bench/gazetteer_feature.sh [--seeds "1 2 3"]
#
# Two trainings at a time, --threads 1. Work files go to $WORK (default /tmp/gazetteer_feature);
# a model already there is not trained again. A Markdown table to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/two_at_a_time.sh
source bench/two_at_a_time.sh
ner=${NER:-$PWD/.build/release/ner}
data=${DATA:-$PWD/../shared/data/conll2003}
glove=${GLOVE:-$PWD/../shared/embeddings/glove.6B.50d.txt.gz}
work=${WORK:-/tmp/gazetteer_feature}
seeds="1 2 3"
while [ $# -gt 0 ]; do
  case $1 in
    --seeds) seeds=$2; shift ;;
    *) echo "usage: bench/gazetteer_feature.sh [--seeds LIST]" >&2; exit 64 ;;
  esac
  shift
done
mkdir -p "$work"
[ -s "$work/train-gazetteer.tsv" ] || python3 bench/gazetteer_from_conll.py "$data/train.txt" > "$work/train-gazetteer.tsv"

train_one() {  # train_one SEED base|gazetteer
  local seed=$1 kind=$2 out="$work/$2-s$1.ner"
  [ -s "$out" ] && return 0
  local extra=()
  [ "$kind" = gazetteer ] && extra=(--lexicon "$work/train-gazetteer.tsv")
  /usr/bin/time -f "%e" -o "$out.seconds" "$ner" train --train "$data/train.txt" --dev "$data/valid.txt" \
    --embeddings "$glove" --embeddings-vocab "$data/test.txt" \
    --hidden 200 --unk-replace 0 --lr 0.001 --epochs 16 --patience 100 --threads 1 \
    --case-augment lower=0.4,upper=0.35,title=0.25 --case-augment-copy \
    --first-name-swap 0.3 --seed "$seed" "${extra[@]}" --output "$out" > "$out.log" 2>&1
}

jobs_list=()
for seed in $seeds; do jobs_list+=("$seed base" "$seed gazetteer"); done
two_at_a_time train_one "${jobs_list[@]}"

models=()
for j in "${jobs_list[@]}"; do
  read -r seed kind <<< "$j"
  [ -s "$work/$kind-s$seed.ner" ] || { echo "failed: see $work/$kind-s$seed.ner.log" >&2; exit 1; }
  models+=("$work/$kind-s$seed.ner")
done
grep -h '^lexicon' "$work"/gazetteer-s*.ner.log | head -1
NER=$ner bash bench/recase_table.sh "$data/valid.txt" "${models[@]}"
