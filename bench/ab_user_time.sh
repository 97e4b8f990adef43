#!/usr/bin/env bash
# Two commands measured alternately by user CPU time, for a loaded machine where wall time means
# little: N pairs, each command reading INPUT on stdin and writing to /dev/null, then the median
# of each. Example (all.tok as bench/peers/run.sh writes it):
#   bash bench/ab_user_time.sh 5 /tmp/ner-peers/all.tok \
#     main "/work/main/.build/release/ner tag --threads 1 --input tokens --format conll" \
#     new ".build/release/ner tag --threads 1 --input tokens --format conll"
set -euo pipefail
[ $# -eq 6 ] || { echo "usage: bench/ab_user_time.sh N INPUT LABEL_A 'COMMAND_A' LABEL_B 'COMMAND_B'" >&2; exit 2; }
n=$1; input=$2; la=$3; ca=$4; lb=$5; cb=$6
log=$(mktemp); times=$(mktemp)
trap 'rm -f "$log" "$times"' EXIT
for _ in $(seq "$n"); do
  for side in a b; do
    if [ $side = a ]; then label=$la; command=$ca; else label=$lb; command=$cb; fi
    /usr/bin/time -f "%U %e" -o "$times" bash -c "$command < \"\$1\" > /dev/null" _ "$input"
    echo "$label user $(cut -d' ' -f1 "$times") s, wall $(cut -d' ' -f2 "$times") s" | tee -a "$log"
  done
done
for label in "$la" "$lb"; do
  grep "^$label user" "$log" | awk '{print $3}' | sort -n \
    | awk -v l="$label" '{a[NR]=$1} END{m = NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2; printf "%s: median user %.2f s of %d runs\n", l, m, NR}'
done
