#!/usr/bin/env bash
# ThreadSanitizer over the concurrent code of the product, end to end: `ner` built with
# -sanitize=thread (debug, in .build-tsan, without the TLS trait) runs
#   1. `ner tag` on a few hundred sentences: the tag stream's read-ahead thread and both ways of
#      using two cores (NER_PARALLEL): two batches at once on two copies of the model, and in
#      every batch of 64 positions or more, the two LSTM directions on two threads;
#   2. `ner tag --input jsonl` (the record stream's read-ahead thread);
#   3. `ner serve`, hit by 64 requests from 16 clients at once: the batching worker, the
#      handlers' hand-over, the deadline sweep, graceful shutdown on SIGTERM;
#   4. `ner train --threads 2` for two epochs (both directions forward and backward in parallel).
# Any report of a data race stops the run (halt_on_error) with exit 66. Outputs of (1) and (2) are
# compared with the release binary's. Run by `make test`; `make sanitize` runs the unit tests
# under both sanitizers.
set -euo pipefail
cd "$(dirname "$0")/../.."
release=${NER:-.build/release/ner}
[ -x "$release" ] || { echo "tsan test: no $release (build it first)" >&2; exit 1; }
# Without the TLS trait: no test here serves HTTPS, and compiling BoringSSL under TSan was about
# 180 s of this step's 440.
swift build --product ner --sanitize=thread --scratch-path .build-tsan --disable-default-traits >&2
tsan=.build-tsan/debug/ner
# (grep -c reads all of nm's output: with pipefail, grep -q would stop nm with SIGPIPE.)
[ "$(nm "$tsan" | grep -c __tsan_init)" -gt 0 ] || { echo "tsan test: $tsan has no ThreadSanitizer runtime" >&2; exit 1; }
export TSAN_OPTIONS="halt_on_error=1:exitcode=66:second_deadlock_stack=1"
work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then kill -KILL "$server" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "tsan test: FAIL: $*" >&2; exit 1; }
ok() { echo "tsan test: ok: $*"; }

# Built without TLS, ner serve refuses a certificate as a usage error rather than serving plain HTTP.
status=0; "$tsan" serve --port 0 --tls-cert "$work/none.crt" --tls-key "$work/none.key" > /dev/null 2> "$work/notls.err" || status=$?
[ "$status" -eq 64 ] && grep -q "this ner was built without it" "$work/notls.err" || { cat "$work/notls.err" >&2; fail "ner serve --tls-cert without the TLS trait: exit $status"; }
ok "built without the TLS trait, ner serve --tls-cert is refused (exit 64)"

# Sentences of our own text, each its own paragraph, 20 times over.
for _ in $(seq 20); do
  cat data/sample.txt; echo
  grep -v '^#' data/name-pairs.tsv | cut -f2 | sed 's/$/\n/'
done > "$work/in.txt"

"$release" tag --format json < "$work/in.txt" > "$work/release.json"
for parallel in batches directions; do
  NER_PARALLEL=$parallel "$tsan" tag --format json < "$work/in.txt" > "$work/tsan.json" || fail "ner tag, NER_PARALLEL=$parallel (exit status above)"
  cmp -s "$work/release.json" "$work/tsan.json" || fail "ner tag under TSan, NER_PARALLEL=$parallel, differs from the release binary"
  ok "ner tag, NER_PARALLEL=$parallel: $(wc -l < "$work/tsan.json") sentences, no race, output as the release binary's"
done

python3 -c '
import json, sys
for i, line in enumerate(open(sys.argv[1])):
    if line.strip(): print(json.dumps({"id": i, "text": line.strip()}))' "$work/in.txt" > "$work/in.jsonl"
"$tsan" tag --input jsonl < "$work/in.jsonl" > "$work/tsan.jsonl" || fail "ner tag --input jsonl (exit status above)"
"$release" tag --input jsonl < "$work/in.jsonl" | cmp -s - "$work/tsan.jsonl" || fail "ner tag --input jsonl under TSan differs"
ok "ner tag --input jsonl: $(wc -l < "$work/tsan.jsonl") records, no race"

"$tsan" serve --port 0 --log-level info > "$work/serve.out" 2> "$work/serve.log" &
server=$!
port=""
for _ in $(seq 600); do
  port=$(sed -n 's/.*"port": *\([0-9][0-9]*\).*/\1/p' "$work/serve.log" 2>/dev/null | sed -n 1p || true)
  if [ -n "$port" ] && curl -sf "http://127.0.0.1:$port/ready" > /dev/null; then break; fi
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.log" >&2; fail "ner serve exited"; }
  sleep 0.1
done
[ -n "$port" ] || fail "ner serve did not become ready"
# (No `head` in a pipeline: with pipefail, the writer stopped by SIGPIPE would fail the test.)
python3 -c '
import json, sys
lines = [l.strip() for l in open(sys.argv[1] + "/in.txt") if l.strip()][:64]
for i, line in enumerate(lines): open(sys.argv[1] + "/req%d.json" % i, "w").write(json.dumps({"text": line}))' "$work"
ls "$work"/req*.json | xargs -P 16 -I{} curl -sf -o /dev/null -H 'Content-Type: application/json' --data-binary @{} \
  "http://127.0.0.1:$port/v1/tag" || fail "a request failed under TSan"
kill -TERM "$server"
status=0; wait "$server" || status=$?
server=""
[ "$status" -eq 0 ] || { tail -20 "$work/serve.log" >&2; fail "ner serve exit status $status after SIGTERM"; }
[ "$(grep -c '"message": "request"' "$work/serve.log")" -ge 64 ] || fail "fewer than 64 requests logged"
ok "ner serve: 64 requests from 16 clients at once, SIGTERM, exit 0, no race"

"$tsan" train --train data/sample.conll --dev data/sample.conll --hidden 8 --word-dim 8 --epochs 2 --patience 5 \
  --threads 2 --output "$work/model.ner" 2> "$work/train.log" || { status=$?; tail -40 "$work/train.log" >&2; fail "ner train --threads 2 (exit $status)"; }
ok "ner train --threads 2: two epochs, no race"
