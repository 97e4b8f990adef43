#!/usr/bin/env bash
# What a request to `ner serve` costs before any tagging: requests/s and the server's CPU time
# per request (from /proc) for GET /health and for POST /v1/tag with an empty text, next to
# one-sentence POST /v1/tag requests (the sentences of bench/serve_load.sh), each with wrk at
# concurrency 64 for $RUN_SECONDS on loopback. The difference between the rows is what the
# tagging path adds to the HTTP floor; wrk's own CPU time is printed too, since it shares the
# machine. Needs a release build, wrk, /usr/bin/time and python3.
#
#   bench/serve_floor.sh
#   RUN_SECONDS=5 bench/serve_floor.sh
set -euo pipefail
cd "$(dirname "$0")/.."

NER=${NER:-.build/release/ner}
MODEL=${MODEL:-models/default.ner}
RUN_SECONDS=${RUN_SECONDS:-10}

[ -x "$NER" ] || { echo "no $NER: build it first (swift build -c release --product ner)" >&2; exit 1; }
if ! command -v wrk > /dev/null || [ ! -x /usr/bin/time ]; then
    apt-get install -y wrk time > /dev/null 2>&1 || { apt-get update > /dev/null && apt-get install -y wrk time > /dev/null; }
fi

work=$(mktemp -d)
server=""
cleanup() {
    if [ -n "$server" ] && kill -0 "$server" 2> /dev/null; then kill -TERM "$server"; wait "$server" || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

{ "$NER" tag --model "$MODEL" --format json < data/sample.txt
  grep -v '^#' data/name-pairs.tsv | cut -f2 | "$NER" tag --model "$MODEL" --format json
} | python3 -c '
import json, sys
with open(sys.argv[1], "w") as out:
    for line in sys.stdin:
        out.write(json.loads(line)["text"].replace("\n", " ") + "\n")' "$work/sentences.txt"

cat > "$work/health.lua" <<'LUA'
wrk.method = "GET"
wrk.path = "/health"
LUA
cat > "$work/empty.lua" <<'LUA'
wrk.method = "POST"
wrk.path = "/v1/tag"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"text": ""}'
LUA

"$NER" serve --model "$MODEL" --port 0 2> "$work/log" &
server=$!
for _ in $(seq 600); do
    port=$(sed -n 's/.*"message": "listening".*"port": \([0-9]*\).*/\1/p' "$work/log" 2> /dev/null || true)
    if [ -n "$port" ] && curl -sf "http://127.0.0.1:$port/ready" > /dev/null; then break; fi
    sleep 0.1
done
[ -n "$port" ] || { echo "the server did not become ready" >&2; exit 1; }
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$server/stat"; }

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-28s %12s %18s %14s\n" "request" "requests/s" "server CPU/request" "wrk CPU cores"
SENTENCES="$work/sentences.txt" wrk -t1 -c8 -d2s -s bench/serve_load.lua "http://127.0.0.1:$port" > /dev/null  # warm-up
for run in health empty sentence; do
    script="$work/$run.lua"
    [ "$run" = sentence ] && script=bench/serve_load.lua
    before=$(cpu_seconds)
    SENTENCES="$work/sentences.txt" /usr/bin/time -f "%U %S" -o "$work/wrk.time" \
        wrk -t1 -c64 -d"$RUN_SECONDS"s -s "$script" "http://127.0.0.1:$port" > "$work/wrk.$run"
    after=$(cpu_seconds)
    requests=$(awk '/requests in/ { print $1 }' "$work/wrk.$run")
    label=$(case $run in health) echo "GET /health";; empty) echo 'POST /v1/tag {"text": ""}';; *) echo "POST /v1/tag, one sentence";; esac)
    printf "%-28s %12.0f %15.1f µs %14.2f\n" "$label" "$(awk '/^Requests\/sec/ { print $2 }' "$work/wrk.$run")" \
        "$(awk -v a="$before" -v b="$after" -v n="$requests" 'BEGIN { print (b - a) * 1e6 / n }')" \
        "$(awk -v s="$RUN_SECONDS" '{ print ($1 + $2) / s }' "$work/wrk.time")"
done
