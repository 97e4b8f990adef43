#!/usr/bin/env bash
# Several commands measured in interleaved rounds, each reading INPUT on stdin and writing to
# /dev/null: N rounds of every command in turn, then per command the median wall and user CPU
# seconds (with the fastest and slowest wall) and the median peak memory. Each command is given
# as 'LABEL|ENVIRONMENT|COMMAND' (ENVIRONMENT: VAR=value words, or empty). Example (all.tok as
# bench/peers/run.sh writes it):
#   bash bench/rounds.sh 7 /tmp/ner-peers/all.tok \
#     "directions|NER_PARALLEL=directions|.build/release/ner tag --input tokens --format conll" \
#     "batches|NER_PARALLEL=batches|.build/release/ner tag --input tokens --format conll"
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: bench/rounds.sh N INPUT 'LABEL|ENV|COMMAND' ..." >&2; exit 2; }
n=$1; input=$2; shift 2
log=$(mktemp); times=$(mktemp)
trap 'rm -f "$log" "$times"' EXIT
for _ in $(seq "$n"); do
  for spec in "$@"; do
    IFS='|' read -r label environment command <<< "$spec"
    # shellcheck disable=SC2086  # ENVIRONMENT is words on purpose
    /usr/bin/time -f "%e %U %M" -o "$times" env $environment bash -c "$command < \"\$1\" > /dev/null" _ "$input"
    echo "$label $(cat "$times")" >> "$log"
  done
done
median() { sort -n | awk '{a[NR]=$1} END{print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | tr -d ' ') model $(grep -m1 '^model\s' /proc/cpuinfo | cut -d: -f2 | tr -d ' '); $n rounds"
for spec in "$@"; do
  label=${spec%%|*}
  rows=$(grep "^$label " "$log")
  wall=$(echo "$rows" | awk '{print $2}' | median); user=$(echo "$rows" | awk '{print $3}' | median)
  peak=$(echo "$rows" | awk '{print $4 / 1024}' | median)
  lo=$(echo "$rows" | awk '{print $2}' | sort -n | head -1); hi=$(echo "$rows" | awk '{print $2}' | sort -n | tail -1)
  printf "%-24s wall %5.2f s (%.2f-%.2f)   user %5.2f s   peak %4.0f MB\n" "$label" "$wall" "$lo" "$hi" "$user" "$peak"
done
