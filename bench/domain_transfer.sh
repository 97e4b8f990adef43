#!/usr/bin/env bash
# A new domain from a small annotated set (issue 32): `ner train --init PARENT` against training
# from scratch on the same sentences, built from CoNLL-2003. The domain is sport
# (bench/domain_transfer.py says how a document is classed): the parent never sees it, being
# trained on the other documents of train.txt (politics, business, general news; the default
# model's configuration without case augmentation, as bench/new_types.sh's parent), selected on
# the other documents of valid.txt. The new data are N sentences drawn from train.txt's sports
# reports with all four types annotated; both methods select their epoch on valid.txt's sports
# reports and are scored on them (micro F1 over PER, LOC, ORG and MISC).
#
#   bench/domain_transfer.sh [--test] [--seeds "1 2 3"] [--sizes "250 1000 4000"]
#
# Runs two trainings at a time, --threads 1. Work files go to $WORK (default /tmp/domain_transfer);
# a Markdown table to stdout, then the means over the seeds. --test adds test.txt's sports
# reports and, to show what the transfer costs the old domain, its other documents (report them
# once per configuration, at the end). The parent is trained once and reused when it exists.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/two_at_a_time.sh
source bench/two_at_a_time.sh
ner=${NER:-$PWD/.build/release/ner}
data=${DATA:-$PWD/../shared/data/conll2003}
glove=${GLOVE:-$PWD/../shared/embeddings/glove.6B.50d.txt.gz}
work=${WORK:-/tmp/domain_transfer}
seeds="1"; sizes="250 1000 4000"; test=0
while [ $# -gt 0 ]; do
  case $1 in
    --test) test=1 ;;
    --seeds) seeds=$2; shift ;;
    --sizes) sizes=$2; shift ;;
    *) echo "usage: bench/domain_transfer.sh [--test] [--seeds LIST] [--sizes LIST]" >&2; exit 64 ;;
  esac
  shift
done
mkdir -p "$work"
py=bench/domain_transfer.py

for f in train valid test; do
  [ -s "$work/$f.sport.txt" ] || python3 $py split "$data/$f.txt" "$work/$f.sport.txt" "$work/$f.other.txt"
done
for d in sport other; do
  for f in train valid test; do echo "$f.txt, $d: $(python3 $py count "$work/$f.$d.txt" | awk '{print $1 " documents, " $2 " sentences, " $3 " tokens"}')"; done
done >&2

# The shape and schedule the default model's configuration uses, without the recased copies.
common=(--unk-replace 0 --lr 0.001 --threads 1)
if [ ! -s "$work/parent.ner" ]; then
  "$ner" train --train "$work/train.other.txt" --dev "$work/valid.other.txt" --embeddings "$glove" \
    --embeddings-vocab "$data/test.txt" --embeddings-vocab "$data/valid.txt" \
    --hidden 200 "${common[@]}" --epochs 10 --patience 100 --seed 1 \
    --output "$work/parent.ner" > "$work/parent.log" 2>&1
fi

score() {  # score MODEL GOLD -> micro F1 over the four types
  "$ner" eval --format json --model "$1" "$2" > "$1.$(basename "$2").json"
  python3 bench/new_types.py score "$1.$(basename "$2").json" PER LOC ORG MISC | cut -d' ' -f1
}

# Both methods: up to 30 epochs, stopped after 5 without a better dev score (small sets need
# many passes from scratch; the same budget for both).
train_one() {  # train_one N SEED METHOD
  local n=$1 seed=$2 method=$3 out="$work/m.$1.$2.$3.ner"
  [ -s "$out" ] && return 0
  local args=(--train "$work/sport.$n.$seed.txt" --dev "$work/valid.sport.txt" "${common[@]}"
              --epochs 30 --patience 5 --seed "$seed" --output "$out")
  case $method in
    init) args+=(--init "$work/parent.ner") ;;
    scratch) args+=(--embeddings "$glove" --embeddings-vocab "$data/test.txt" --embeddings-vocab "$data/valid.txt" --hidden 200) ;;
  esac
  /usr/bin/time -f "%e" -o "$out.seconds" "$ner" train "${args[@]}" > "$out.log" 2>&1
}

jobs_list=()
for seed in $seeds; do
  for n in $sizes; do
    [ -s "$work/sport.$n.$seed.txt" ] || python3 $py sample "$work/train.sport.txt" "$n" "$seed" "$work/sport.$n.$seed.txt"
    for m in init scratch; do jobs_list+=("$n $seed $m"); done
  done
done
two_at_a_time train_one "${jobs_list[@]}"

echo "Parent (never saw sport): sports dev F1 $(score "$work/parent.ner" "$work/valid.sport.txt"), other dev F1 $(score "$work/parent.ner" "$work/valid.other.txt")"
if [ $test = 1 ]; then
  echo "Parent on test: sports F1 $(score "$work/parent.ner" "$work/test.sport.txt"), other F1 $(score "$work/parent.ner" "$work/test.other.txt")"
fi
echo
header="| N | seed | method | sports dev F1 | epochs | training s |"
rule="| ---: | ---: | --- | ---: | ---: | ---: |"
if [ $test = 1 ]; then header="$header sports test F1 | other test F1 |"; rule="$rule ---: | ---: |"; fi
echo "$header"; echo "$rule"
rows=$work/rows.tsv; : > "$rows"
for j in "${jobs_list[@]}"; do
  read -r n seed m <<< "$j"
  model="$work/m.$n.$seed.$m.ner"
  if [ ! -s "$model" ]; then echo "| $n | $seed | $m | failed: see $model.log | | |"; continue; fi
  dev=$(score "$model" "$work/valid.sport.txt")
  epochs=$(grep -c "^epoch" "$model.log" || true)
  row="| $n | $seed | $m | $dev | $epochs | $(cat "$model.seconds") |"
  line="$n	$m	$dev"
  if [ $test = 1 ]; then
    ts=$(score "$model" "$work/test.sport.txt"); to=$(score "$model" "$work/test.other.txt")
    row="$row $ts | $to |"; line="$line	$ts	$to"
  fi
  echo "$row"; echo "$line" >> "$rows"
done
echo
echo "Means over the seeds:"
echo
python3 - "$rows" "$test" <<'PY'
import sys, collections
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
test = sys.argv[2] == "1"
acc = collections.OrderedDict()
for r in rows:
    acc.setdefault((int(r[0]), r[1]), []).append([float(x) for x in r[2:]])
print("| N | method | seeds | sports dev F1 |" + (" sports test F1 | other test F1 |" if test else ""))
print("| ---: | --- | ---: | ---: |" + (" ---: | ---: |" if test else ""))
for (n, m), vals in sorted(acc.items()):
    means = [sum(v[i] for v in vals) / len(vals) for i in range(len(vals[0]))]
    print(f"| {n} | {m} | {len(vals)} | " + " | ".join(f"{x:.2f}" for x in means) + " |")
PY
