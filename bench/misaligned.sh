#!/usr/bin/env bash
# Which `--misaligned` policy trains the better model on a realistic case (issue 31)?
#
#   bench/misaligned.sh [--test] [--seeds "1 2 3"] [--policies "split expand skip"] [--epochs 10]
#
# The case (bench/misaligned.py export): CoNLL-2003 as an annotation tool exports it, one doccano
# record per sentence, the sentence as running text and its entities as character spans, no
# tokens; names inside a hyphenated compound ("German-born") marked on the name alone. `ner`
# tokenises the text itself, so some spans fall inside one of its tokens ("Corp." at a
# sentence's end, where CoNLL cut the period off; "German" in "German-born"). Each policy trains
# a model from train.jsonl, selected on valid.jsonl read with the same policy; the model then
# tags valid's text (`ner tag --input jsonl`) and is scored on characters against the spans as
# drawn (exact and overlap F1, and how many of the spans inside a token it found). The default
# model's configuration without case augmentation (cheaper), --threads 1, two trainings at a
# time. Work files go to $WORK (default /tmp/misaligned); a Markdown table to stdout. --test adds
# the test scores (report them once, at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/two_at_a_time.sh
source bench/two_at_a_time.sh
ner=${NER:-$PWD/.build/release/ner}
data=${DATA:-$PWD/../shared/data/conll2003}
glove=${GLOVE:-$PWD/../shared/embeddings/glove.6B.50d.txt.gz}
work=${WORK:-/tmp/misaligned}
seeds="1 2 3"; policies="split expand skip"; test=0; epochs=10
while [ $# -gt 0 ]; do
  case $1 in
    --test) test=1 ;;
    --seeds) seeds=$2; shift ;;
    --policies) policies=$2; shift ;;
    --epochs) epochs=$2; shift ;;
    *) echo "usage: bench/misaligned.sh [--test] [--seeds LIST] [--policies LIST] [--epochs N]" >&2; exit 64 ;;
  esac
  shift
done
mkdir -p "$work"
py=bench/misaligned.py
for f in train valid test; do
  [ -s "$work/$f.jsonl" ] || python3 $py export "$data/$f.txt" "$work/$f.jsonl" >&2
  [ -s "$work/$f.inside" ] || "$ner" inspect --misaligned split "$work/$f.jsonl" 2> "$work/$f.inside" > /dev/null
done

train_one() {  # train_one POLICY SEED
  local out="$work/m.$1.$2.e$epochs.ner"
  [ -s "$out" ] && return 0
  /usr/bin/time -f "%e" -o "$out.seconds" "$ner" train --train "$work/train.jsonl" --dev "$work/valid.jsonl" \
    --misaligned "$1" --embeddings "$glove" --embeddings-vocab "$data/valid.txt" --embeddings-vocab "$data/test.txt" \
    --hidden 200 --unk-replace 0 --lr 0.001 --epochs "$epochs" --patience 100 --threads 1 --seed "$2" \
    --output "$out" > "$out.log" 2>&1
}

jobs_list=()
for seed in $seeds; do for p in $policies; do jobs_list+=("$p $seed"); done; done
two_at_a_time train_one "${jobs_list[@]}"

score() {  # score MODEL SET -> "exact overlap found-exactly overlapped inside"
  "$ner" tag --model "$1" --input jsonl "$work/$2.jsonl" > "$1.$2.tagged.jsonl"
  python3 $py score "$work/$2.jsonl" "$1.$2.tagged.jsonl" "$work/$2.inside" |
    awk 'NR==1 {e=$1; o=$2} NR==2 {n=$4; x=$6; v=$9} END {print e, o, x, v, n}'
}

sets="valid"; [ $test = 1 ] && sets="valid test"
for set in $sets; do
  echo "$set: character-span F1 against the spans as drawn; 'inside' = spans falling inside one of ner's tokens"
  echo
  echo "| policy | seed | exact F1 | overlap F1 | inside: found exactly | inside: overlapped | training s |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  for p in $policies; do
    sum_e=0; sum_o=0; k=0
    for seed in $seeds; do
      model="$work/m.$p.$seed.e$epochs.ner"
      if [ ! -s "$model" ]; then echo "| $p | $seed | failed: see $model.log | | | | |"; continue; fi
      read -r e o x v n < <(score "$model" "$set")
      echo "| $p | $seed | $e | $o | $x of $n | $v of $n | $(cat "$model.seconds") |"
      sum_e=$(python3 -c "print($sum_e + $e)"); sum_o=$(python3 -c "print($sum_o + $o)"); k=$((k + 1))
    done
    [ $k -gt 0 ] && echo "| **$p, mean** | $k | **$(python3 -c "print(f'{$sum_e / $k:.2f}')")** | **$(python3 -c "print(f'{$sum_o / $k:.2f}')")** | | | |"
  done
  echo
done
