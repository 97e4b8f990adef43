#!/usr/bin/env bash
# End-to-end test of the parallel ways to tag a JSON-lines corpus: the Spark job
# (Examples/spark/tag_corpus.py, Spark local mode with 2 workers) and the GNU parallel recipe of the
# guide (docs/guide/parallel.md) must give exactly the bytes of one `ner tag --input jsonl` run on the same file, record
# for record, on a corpus of a few hundred documents (IntegrationTests/spark/make_corpus.py) that includes a
# malformed record of every kind.
#
# Installs what it needs when missing: Java 17 and GNU parallel (apt), a virtual environment
# .venv-spark with pyspark (pip), and the release build of ner. Run from anywhere:
#   bash IntegrationTests/spark/run_spark_test.sh        (or: make test-spark)
# NER=/path/to/ner uses that binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
start=$SECONDS

apt_install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "$@" >/dev/null
}
command -v java >/dev/null || { echo "installing Java 17" >&2; apt_install openjdk-17-jre-headless; }
command -v parallel >/dev/null || { echo "installing GNU parallel" >&2; apt_install parallel; }
venv=$root/.venv-spark
if ! "$venv/bin/python" -c "import pyspark" 2>/dev/null; then
  echo "creating $venv with pyspark" >&2
  python3 -m venv "$venv" 2>/dev/null || { apt_install python3-venv; python3 -m venv "$venv"; }
  "$venv/bin/pip" install -q "pyspark==4.0.1"
fi

if [ -z "${NER:-}" ]; then
  bash scripts/install-deps.sh
  # (RELEASE_FLAGS, unquoted, as `make test` builds: the same build, not another.)
  # shellcheck disable=SC2086
  swift build -c release --product ner ${RELEASE_FLAGS:-} >/dev/null
  NER=$root/.build/release/ner
fi
model=$root/models/default.ner
export SPARK_LOCAL_IP=127.0.0.1  # Spark binds to loopback only

work=$(mktemp -d /tmp/ner-spark-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
corpus=$work/corpus.jsonl
python3 IntegrationTests/spark/make_corpus.py --documents 400 > "$corpus"
python3 IntegrationTests/spark/make_corpus.py --documents 400 --list-bad > "$work/bad.txt"
echo "corpus: $(wc -l < "$corpus") lines, $(wc -l < "$work/bad.txt") malformed ($(( SECONDS - start )) s so far)" >&2

passed=0 failed=0
check() {  # check NAME COMMAND...: runs a check, counts it
  if "${@:2}"; then passed=$((passed + 1)); echo "ok: $1" >&2
  else failed=$((failed + 1)); echo "FAILED: $1" >&2; fi
}

# The reference: one process over the whole file. Exit status 1: some records failed.
status=0
"$NER" tag --model "$model" --input jsonl "$corpus" > "$work/single.jsonl" 2> "$work/single.err" || status=$?
check "single run exits 1 (some records failed)" test "$status" -eq 1
check "single run reports the count" grep -q "ner: error: 6 of 406 records failed" "$work/single.err"
python3 IntegrationTests/spark/check_output.py "$corpus" "$work/single.jsonl" "$work/bad.txt" > "$work/check.txt" 2>&1 \
  && check "single run: one line per line, error lines exactly for the malformed records, all others tagged" true \
  || { cat "$work/check.txt" >&2; check "single run output" false; }

# Spark, local mode with 2 worker threads, the input split into at least 4 tasks (so most of
# them start mid-file and must number their error lines from the right line).
t=$SECONDS
spark_status=0
PYSPARK_PYTHON="$venv/bin/python" "$venv/bin/python" Examples/spark/tag_corpus.py --master 'local[2]' \
  --ner "$NER" --model "$model" --partitions 4 --output "$work/spark-out" "$corpus" \
  > "$work/spark.log" 2>&1 || spark_status=$?
echo "spark job: $(( SECONDS - t )) s" >&2
check "spark job exits 1 (some records failed)" test "$spark_status" -eq 1
parts=$(find "$work/spark-out" -name 'part-*' -size +0 | wc -l)
check "spark job split the input into at least 4 tasks" test "$parts" -ge 4
cat "$work/spark-out"/part-* > "$work/spark.jsonl" 2>/dev/null || true
check "spark output identical to the single run" cmp "$work/single.jsonl" "$work/spark.jsonl"
check "spark job reports 6 failed records" grep -q "6 of them failed" "$work/spark.log"
[ "$spark_status" -le 1 ] || tail -30 "$work/spark.log" >&2

# The same with line numbers from a counting pass (the way for inputs not on the local disk).
spark_status=0
PYSPARK_PYTHON="$venv/bin/python" "$venv/bin/python" Examples/spark/tag_corpus.py --master 'local[2]' --count-pass \
  --ner "$NER" --model "$model" --partitions 4 --output "$work/spark-count-out" "$corpus" \
  > "$work/spark-count.log" 2>&1 || spark_status=$?
cat "$work/spark-count-out"/part-* > "$work/spark-count.jsonl" 2>/dev/null || true
check "spark job with a counting pass: identical to the single run" cmp "$work/single.jsonl" "$work/spark-count.jsonl"
[ "$spark_status" -le 1 ] || tail -30 "$work/spark-count.log" >&2

# GNU parallel, 2 jobs of 50 lines at a time, output in input order.
t=$SECONDS
parallel_status=0
parallel --pipe -N 50 --keep-order -j2 \
  "$NER tag --model $model --input jsonl --stdin-name $corpus --first-line \$(( ({#}-1)*50 + 1 ))" \
  < "$corpus" > "$work/parallel.jsonl" 2> "$work/parallel.err" || parallel_status=$?
echo "parallel: $(( SECONDS - t )) s" >&2
check "parallel exits non-zero (chunks with failed records)" test "$parallel_status" -ne 0
check "parallel output identical to the single run" cmp "$work/single.jsonl" "$work/parallel.jsonl"

echo "total: $(( SECONDS - start )) s" >&2
echo "spark and parallel: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
