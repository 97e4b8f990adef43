#!/usr/bin/env bash
# The cost of `ner tag --patterns` (issue 33's goals): 1,000,000 phrase patterns loaded in at most
# 2 s, at most 200 MB of resident memory over the model alone, `ner tag` over all of CoNLL-2003 at
# most 10% slower; 10,000 token patterns at most 25% slower. The patterns files are synthetic
# (bench/patterns_files.py, seeded) and written under $BENCH_DIR (default /tmp/ner-patterns-bench),
# never into the repository; the phrases are also compiled (ner compile-patterns) and measured
# so. The four tagging runs are interleaved, REPEATS times (default 3),
# and the fastest of each is reported, so a busy machine weighs on all of them alike; beside the wall
# time, the user CPU time of the same run (less disturbed by other jobs on a shared machine).
# Last, each configuration against the model alone in the same round, the median over the rounds:
# on a host whose speed drifts by 10-30% within minutes, the figure to read (REPEATS=9 or more).
#
#   bash bench/patterns_bench.sh
# Needs the release build (swift build -c release --product ner) and ../shared/data/conll2003.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
ner=${NER:-$root/.build/release/ner}
model=${MODEL:-$root/models/default.ner}
dir=${BENCH_DIR:-/tmp/ner-patterns-bench}
repeats=${REPEATS:-3}
conll=${CONLL:-$root/../shared/data/conll2003}
mkdir -p "$dir"
[ -s "$dir/phrases.jsonl" ] && [ -s "$dir/tokens.jsonl" ] ||
  python3 bench/patterns_files.py "$conll/train.txt" "$dir" --phrases "${PHRASES:-1000000}" --token-patterns "${TOKEN_PATTERNS:-10000}"
echo "patterns: $(wc -l < "$dir/phrases.jsonl") phrase patterns ($(du -h "$dir/phrases.jsonl" | cut -f1)), $(wc -l < "$dir/tokens.jsonl") token patterns"
# The phrases compiled (ner compile-patterns), as a user with a large list would keep them.
compile_start=$(date +%s.%N)
"$ner" compile-patterns "$dir/phrases.jsonl" --output "$dir/phrases.nerpat" > /dev/null
compile_s=$(echo "$(date +%s.%N) - $compile_start" | bc)
echo "compiled: $(du -h "$dir/phrases.nerpat" | cut -f1) in $(printf '%.2f' "$compile_s") s (ner compile-patterns)"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the runs"

# timed NAME COMMAND...: elapsed seconds, peak resident KB and user CPU seconds (/usr/bin/time -v)
# to $dir/NAME.time.
timed() {
  local name=$1; shift
  /usr/bin/time -v -o "$dir/$name.v" "$@" > "$dir/$name.out" 2> "$dir/$name.err" || { cat "$dir/$name.err" >&2; exit 1; }
  local wall peak user
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$dir/$name.v")
  peak=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$dir/$name.v")
  user=$(awk -F': ' '/User time \(seconds\)/ {print $2}' "$dir/$name.v")
  echo "$wall $peak $user" >> "$dir/$name.time"
}
fastest() { sort -n "$dir/$1.time" | head -1 | cut -d' ' -f1; }
least_user() { sort -n -k3 "$dir/$1.time" | head -1 | cut -d' ' -f3; }
peak_mb() { sort -n -k2 "$dir/$1.time" | tail -1 | awk '{printf "%d", $2 / 1024}'; }
rm -f "$dir"/*.time

# Loading: ner on empty input (the model alone, then the model and the rules).
for k in $(seq 1 "$repeats"); do
  timed load-model "$ner" tag --model "$model" < /dev/null
  timed load-phrases "$ner" tag --model "$model" --patterns "$dir/phrases.jsonl" < /dev/null
  timed load-tokens "$ner" tag --model "$model" --patterns "$dir/tokens.jsonl" < /dev/null
  timed load-compiled "$ner" tag --model "$model" --patterns "$dir/phrases.nerpat" < /dev/null
done
# Tagging all of CoNLL-2003 (train, valid, test as column files), output discarded.
files=("$conll/train.txt" "$conll/valid.txt" "$conll/test.txt")
for k in $(seq 1 "$repeats"); do
  timed tag-model "$ner" tag --model "$model" --input conll "${files[@]}"
  timed tag-phrases "$ner" tag --model "$model" --input conll --patterns "$dir/phrases.jsonl" "${files[@]}"
  timed tag-tokens "$ner" tag --model "$model" --input conll --patterns "$dir/tokens.jsonl" "${files[@]}"
  timed tag-compiled "$ner" tag --model "$model" --input conll --patterns "$dir/phrases.nerpat" "${files[@]}"
done
cmp -s "$dir/tag-phrases.out" "$dir/tag-compiled.out" || { echo "the compiled phrases tagged differently from their source" >&2; exit 1; }
found() { grep -c -- '-\(PRODUCT\|DRUG\)$' "$dir/$1.out" || true; }

awk -v lm="$(fastest load-model)" -v lp="$(fastest load-phrases)" -v lt="$(fastest load-tokens)" \
    -v lc="$(fastest load-compiled)" -v uc="$(least_user load-compiled)" -v mc="$(peak_mb load-compiled)" \
    -v tc="$(fastest tag-compiled)" -v cc="$(least_user tag-compiled)" -v pc="$(peak_mb tag-compiled)" \
    -v um="$(least_user load-model)" -v up="$(least_user load-phrases)" -v ut="$(least_user load-tokens)" \
    -v mm="$(peak_mb load-model)" -v mp="$(peak_mb load-phrases)" -v mt="$(peak_mb load-tokens)" \
    -v tm="$(fastest tag-model)" -v tp="$(fastest tag-phrases)" -v tt="$(fastest tag-tokens)" \
    -v cm="$(least_user tag-model)" -v cp="$(least_user tag-phrases)" -v ct="$(least_user tag-tokens)" \
    -v pm="$(peak_mb tag-model)" -v pp="$(peak_mb tag-phrases)" -v pt="$(peak_mb tag-tokens)" \
    -v fp="$(found tag-phrases)" -v ft="$(found tag-tokens)" 'BEGIN {
  printf "%-22s %7s %7s %8s %8s %8s %8s %9s %9s\n", "", "load s", "CPU s", "peak MB", "tag s", "CPU s", "peak MB", "vs model", "CPU vs"
  printf "%-22s %7.2f %7.2f %8d %8.2f %8.2f %8d %9s %9s\n", "model alone", lm, um, mm, tm, cm, pm, "-", "-"
  printf "%-22s %7.2f %7.2f %8d %8.2f %8.2f %8d %+8.1f%% %+8.1f%%\n", "+ 1M phrase patterns", lp, up, mp, tp, cp, pp, (tp / tm - 1) * 100, (cp / cm - 1) * 100
  printf "%-22s %7.2f %7.2f %8d %8.2f %8.2f %8d %+8.1f%% %+8.1f%%\n", "+ 1M phrases compiled", lc, uc, mc, tc, cc, pc, (tc / tm - 1) * 100, (cc / cm - 1) * 100
  printf "%-22s %7.2f %7.2f %8d %8.2f %8.2f %8d %+8.1f%% %+8.1f%%\n", "+ 10k token patterns", lt, ut, mt, tt, ct, pt, (tt / tm - 1) * 100, (ct / cm - 1) * 100
  printf "\nrules load: phrases %.2f s, %.2f s user CPU (goal <= 2 s), compiled %.2f s, tokens %.2f s; memory over the model: phrases %+d MB (goal <= 200), compiled %+d MB\n", lp - lm, up - um, lc - lm, lt - lm, mp - mm, mc - mm
  printf "tokens tagged PRODUCT or DRUG (labels only rules give): %d with phrases, %d with token patterns\n", fp, ft
}'

# On a host whose speed drifts within minutes, each round's own model run is the fairer baseline:
# the median over the rounds of each configuration's time over the model's in the same round.
paired() {
  paste "$dir/tag-model.time" "$dir/$1.time" | awk '{print ($4 / $1 - 1) * 100, ($6 / $3 - 1) * 100}' > "$dir/$1.ratios"
  local n wall cpu
  n=$(wc -l < "$dir/$1.ratios")
  wall=$(cut -d' ' -f1 "$dir/$1.ratios" | sort -g | awk -v n="$n" '{a[NR] = $1} END {print (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2}')
  cpu=$(cut -d' ' -f2 "$dir/$1.ratios" | sort -g | awk -v n="$n" '{a[NR] = $1} END {print (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2}')
  printf "%-22s wall %+6.1f%%, user CPU %+6.1f%% (median of %d rounds; per round: %s)\n" "$2" "$wall" "$cpu" "$n" \
    "$(cut -d' ' -f1 "$dir/$1.ratios" | awk '{printf "%s%+.1f%%", (NR > 1 ? " " : ""), $1}')"
}
echo
echo "each round against the model alone in the same round:"
paired tag-phrases "+ 1M phrase patterns"
paired tag-compiled "+ 1M phrases compiled"
paired tag-tokens "+ 10k token patterns"
