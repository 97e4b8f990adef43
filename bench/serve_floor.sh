#!/usr/bin/env bash
# What a request to `ner serve` costs before any tagging: requests/s and the server's CPU time
# per request (from /proc) for GET /health and for POST /v1/tag with an empty text, next to
# one-sentence POST /v1/tag requests (the sentences of bench/serve_load.sh), each with wrk at
# concurrency 64 for $RUN_SECONDS on loopback. The difference between the rows is what the
# tagging path adds to the HTTP floor; wrk's own CPU time is printed too, since it shares the
# machine. Needs a release build, wrk, /usr/bin/time and python3 (bench/serve_common.sh).
#
#   bench/serve_floor.sh
#   RUN_SECONDS=5 bench/serve_floor.sh
set -euo pipefail
cd "$(dirname "$0")/.."

NER=${NER:-.build/release/ner}
MODEL=${MODEL:-models/default.ner}
RUN_SECONDS=${RUN_SECONDS:-10}

source bench/serve_common.sh
write_sentences

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

start_server floor

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
