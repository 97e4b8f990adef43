#!/usr/bin/env bash
# Throughput of tagging a JSON-lines corpus: one `ner tag --input jsonl` process, GNU parallel
# with 2 jobs, and the Spark job (Examples/spark/tag_corpus.py) in local[1] and local[2]; peak
# memory of every ner worker (/usr/bin/time); and the cost of the JSON-lines path against
# `--input text` on the same text. The corpus is CoNLL-2003 (../shared/data/conll2003), every
# document one record, repeated to at least a million tokens, written under $BENCH_DIR
# (default /tmp/ner-bench) and never into the repository.
#
#   bash bench/jsonl_bench.sh            (or: make bench-jsonl)
# Needs the release build (make build), GNU parallel, and .venv-spark from IntegrationTests/spark/run_spark_test.sh.
# MIN_TOKENS=n makes the corpus at least n tokens (default a million; Spark's fixed start-up cost,
# some 15 s, weighs less on a bigger corpus). REPEATS=n runs the single-process and --input text timings n times each (default 3) and
# reports the fastest. Prints a table; the raw timings are in $BENCH_DIR/*.time.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
ner=${NER:-$root/.build/release/ner}
model=${MODEL:-$root/models/default.ner}
dir=${BENCH_DIR:-/tmp/ner-bench}
repeats=${REPEATS:-3}
venv=$root/.venv-spark
conll=${CONLL:-$root/../shared/data/conll2003}
mkdir -p "$dir"
export SPARK_LOCAL_IP=127.0.0.1  # Spark binds to loopback only

read -r records tokens < <(python3 bench/jsonl_corpus.py "$conll" "$dir" --min-tokens "${MIN_TOKENS:-1000000}")
echo "corpus: $records records, $tokens CoNLL tokens ($(du -h "$dir/corpus.jsonl" | cut -f1) of JSON lines) in $dir"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the runs"

# timed NAME COMMAND...: runs the command under /usr/bin/time, output to $dir/NAME.out.
timed() {
  local name=$1; shift
  /usr/bin/time -f "%e %M %U %S" -o "$dir/$name.time" "$@" > "$dir/$name.out" 2> "$dir/$name.err" || true
}
seconds() { cut -d' ' -f1 "$dir/$1.time" | tail -1; }
cpu() { awk '{s = $3 + $4} END {printf "%.1f", s}' "$dir/$1.time"; }
peak_mb() { echo $(( $(cut -d' ' -f2 "$dir/$1.time" | tail -1) / 1024 )); }
best() {  # best NAME: the fastest of NAME.1 .. NAME.repeats, copied to NAME.time
  local fastest="" name=$1
  for k in $(seq 1 "$repeats"); do
    local s; s=$(seconds "$name.$k")
    if [ -z "$fastest" ] || awk "BEGIN{exit !($s < $(seconds "$fastest"))}"; then fastest=$name.$k; fi
  done
  cp "$dir/$fastest.time" "$dir/$name.time"
  cp "$dir/$fastest.out" "$dir/$name.out"
}

# Single process, JSON lines and the same text as text, alternating so both see the same load.
for k in $(seq 1 "$repeats"); do
  timed "single.$k" "$ner" tag --model "$model" --input jsonl "$dir/corpus.jsonl"
  timed "text.$k" "$ner" tag --model "$model" --input text --format json "$dir/corpus.txt"
  timed "tokens.$k" "$ner" tag --model "$model" --input jsonl --with-tokens "$dir/corpus.jsonl"
  timed "single1.$k" "$ner" tag --model "$model" --input jsonl --threads 1 "$dir/corpus.jsonl"
done
best single; best text; best tokens; best single1

# GNU parallel: 2 jobs of one LSTM thread each, 4 chunks, each job timed on its own.
chunk=$(( (records + 3) / 4 ))
rm -f "$dir/parallel-workers.time"
timed parallel parallel --pipe -N "$chunk" --keep-order -j2 \
  "/usr/bin/time -f '%e %M %U %S' -a -o $dir/parallel-workers.time $ner tag --model $model --input jsonl --threads 1 \
   --stdin-name $dir/corpus.jsonl --first-line \$(( ({#}-1)*$chunk + 1 ))" < "$dir/corpus.jsonl"

# Spark, 4 tasks; every ner worker timed through a wrapper shipped in its place.
cat > "$dir/ner" <<EOF
#!/bin/sh
exec /usr/bin/time -f '%e %M %U %S' -a -o "\$NER_BENCH_WORKERS" "$ner" "\$@"
EOF
chmod +x "$dir/ner"
for cores in 1 2; do
  rm -rf "$dir/spark$cores-out" "$dir/spark$cores-workers.time"
  NER_BENCH_WORKERS=$dir/spark$cores-workers.time PYSPARK_PYTHON="$venv/bin/python" \
    timed "spark$cores" "$venv/bin/python" Examples/spark/tag_corpus.py --master "local[$cores]" \
    --ner "$dir/ner" --model "$model" --partitions 4 --output "$dir/spark$cores-out" "$dir/corpus.jsonl"
  cat "$dir/spark$cores-out"/part-* > "$dir/spark$cores.out"
done

same() { if [ "$1" = single ]; then echo "-"; elif cmp -s "$dir/single.out" "$dir/$1.out"; then echo "identical"; else echo "DIFFERENT"; fi; }
workers_peak() { echo $(( $(cut -d' ' -f2 "$dir/$1" | sort -n | tail -1) / 1024 )); }
rate() { awk "BEGIN{printf \"%d\", $tokens / $(seconds "$1")}"; }
ratio() { awk "BEGIN{printf \"%.2f\", $(seconds "$1") / $(seconds "$2")}"; }
echo
row() {  # row LABEL NAME WORKERS-PEAK [CPU]
  printf '%-34s %8s %8s %10s %9s %12s  %s\n' "$1" "$(seconds "$2")" "${4:-$(cpu "$2")}" "$(rate "$2")" "$(ratio single "$2")" "$3" "$(same "$2")"
}
workers_cpu() { awk '{s += $3 + $4} END {printf "%.1f*", s}' "$dir/$1"; }
printf '%-34s %8s %8s %10s %9s %12s  %s\n' run "wall s" "CPU s" tokens/s speed-up "peak MB" "output vs single"
row "ner tag --input jsonl (2 threads)" single "$(peak_mb single)"
row "ner tag --input jsonl --threads 1" single1 "$(peak_mb single1)"
row "parallel -j2, --threads 1" parallel "$(workers_peak parallel-workers.time)"
row "Spark local[1], 4 tasks" spark1 "$(workers_peak spark1-workers.time)" "$(workers_cpu spark1-workers.time)"
row "Spark local[2], 4 tasks" spark2 "$(workers_peak spark2-workers.time)" "$(workers_cpu spark2-workers.time)"
echo "(peak MB: of the one process, or of the largest ner worker; CPU s: user + system of the run and its children,"
echo " * for Spark of its ner workers only: the JVM and Python workers are not counted)"
echo
echo "Spark local[2] against local[1]: $(ratio spark1 spark2)x (JVM start and the line-counting pass included)"
cat "$dir/spark1.err" "$dir/spark2.err" | tr '\r' '\n' | grep "tag_corpus: .* tagged in" | sed 's/^/  /' || true
echo "ner workers inside Spark, seconds each: local[1] $(cut -d' ' -f1 "$dir/spark1-workers.time" | tr '\n' ' ')| local[2] $(cut -d' ' -f1 "$dir/spark2-workers.time" | tr '\n' ' ')"
echo
overhead() {  # overhead NAME: NAME against text, wall and CPU time, in percent and µs per record
  local a b c d; a=$(seconds text); b=$(seconds "$1"); c=$(cpu text); d=$(cpu "$1")
  awk "BEGIN{printf \"wall %s s against %s s: %+.1f%% (%+.1f µs per record); CPU %s s against %s s: %+.1f%%\", \
    $b, $a, 100 * ($b - $a) / $a, 1e6 * ($b - $a) / $records, $d, $c, 100 * ($d - $c) / $c}"
}
echo "JSON lines against --input text --format json on the same text (2 threads, fastest of $repeats runs each;"
echo "--format json writes every sentence's tokens, as --with-tokens does):"
echo "  --input jsonl --with-tokens   $(overhead tokens)"
echo "  --input jsonl (entities only) $(overhead single)"
echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
