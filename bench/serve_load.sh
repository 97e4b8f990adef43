#!/usr/bin/env bash
# Load benchmark of `ner serve` on loopback with wrk, bounded in time (about 3 minutes):
#
#   1. `ner serve` with its defaults, one sentence per request (POST /v1/tag {"text": ...}):
#      requests/s, tokens/s, p50/p99 latency at concurrency 1, 8 and 64 ($RUN_SECONDS each)
#   2. `ner tag --format json` over the same sentences, each its own paragraph, right before
#      and right after the c64 run: the tokens/s the service is compared with (median of 3 runs
#      each, process start and model load included)
#   3. a soak at concurrency 64 ($SOAK_SECONDS): failed requests, resident memory at its start
#      and end, peak
#   4. overload: a server with --max-queue 4 under 256 connections ($OVERLOAD_SECONDS): responses
#      by status, then one request timed right after, and SIGTERM → exit status
#
# Tokens per CPU-second (process CPU time from /proc and time(1)) compare the two without
# depending on what else runs on the machine.
#
# The sentences are those of data/sample.txt (split by `ner tag` itself) and of
# data/name-pairs.tsv. Needs a release build (swift build -c release --product ner), wrk and
# /usr/bin/time (installed with apt-get when missing) and python3. Other processes on the
# machine lower the figures: note what else was running.
#
#   bench/serve_load.sh
#   RUN_SECONDS=5 SOAK_SECONDS=20 bench/serve_load.sh     (shorter)
set -euo pipefail
cd "$(dirname "$0")/.."

NER=${NER:-.build/release/ner}
MODEL=${MODEL:-models/default.ner}
RUN_SECONDS=${RUN_SECONDS:-15}
SOAK_SECONDS=${SOAK_SECONDS:-60}
OVERLOAD_SECONDS=${OVERLOAD_SECONDS:-10}

source bench/serve_common.sh

# --- the sentences, and their tokens as the server counts them
write_sentences
sentences=$(wc -l < "$work/sentences.txt")
tokens_per_sentence=$(awk -v t="$(cat "$work/tokens")" -v s="$sentences" 'BEGIN { printf "%.2f", t / s }')
echo "sentences: $sentences ($(cat "$work/tokens") tokens, $tokens_per_sentence per sentence)"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# --- baseline: ner tag over the same sentences, each its own paragraph, repeated. Measured right
# before and right after the c64 run (median of 3 each time), so that on a shared machine the
# comparison is made under the same load.
repeats=$((60000 / sentences))
for _ in $(seq "$repeats"); do sed 's/$/\n/' "$work/sentences.txt"; done > "$work/paragraphs.txt"
baseline_tokens=$(( $(cat "$work/tokens") * repeats ))
# Prints "tokens/s tokens-per-CPU-second" of the median run (by tokens/s).
ner_tag_rate() {
    local start end
    for _ in 1 2 3; do
        start=$(date +%s.%N)
        /usr/bin/time -f "%U %S" -o "$work/time" "$NER" tag --model "$MODEL" --format json < "$work/paragraphs.txt" > /dev/null
        end=$(date +%s.%N)
        awk -v t="$baseline_tokens" -v a="$start" -v b="$end" -v cpu="$(cat "$work/time")" \
            'BEGIN { split(cpu, c, " "); printf "%.0f %.0f\n", t / (b - a), t / (c[1] + c[2]) }'
    done | sort -n | sed -n 2p
}

rss_mb() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$server/status"; }
peak_mb() { awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$server/status"; }
tagged_tokens() { curl -sf "http://127.0.0.1:$port/metrics" | awk '/^ner_tokens_tagged_total / { print $2 }'; }

# wrk's latency in ms from "50%  1.23ms"-style lines.
latency_ms() {
    awk -v p="$1" '$1 == p {
        v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
        if (u == "us") v /= 1000; else if (u == "s") v *= 1000; else if (u == "m") v *= 60000
        printf "%.2f", v }' "$2"
}
failed() {
    awk '/Non-2xx/ { n += $NF } /Socket errors/ { gsub(/[a-z,]/, " "); n += $3 + $4 + $5 + $6 } END { print n + 0 }' "$1"
}

# run NAME CONNECTIONS SECONDS: one wrk run, printed as a table row.
run() {
    local before after cpu_before out="$work/wrk.$1"
    before=$(tagged_tokens)
    cpu_before=$(cpu_seconds)
    SENTENCES="$work/sentences.txt" timeout $(( $3 + 30 )) \
        wrk -t1 -c"$2" -d"$3"s --timeout 10s --latency -s bench/serve_load.lua "http://127.0.0.1:$port" > "$out"
    after=$(tagged_tokens)
    last_tokens_per_cpu_s=$(awk -v a="$before" -v b="$after" -v c="$cpu_before" -v d="$(cpu_seconds)" \
        'BEGIN { printf "%.0f", (b - a) / (d - c) }')
    last_tokens_per_s=$(awk -v a="$before" -v b="$after" -v s="$3" 'BEGIN { printf "%.0f", (b - a) / s }')
    printf "%-12s %12s %12s %10s %10s %8s\n" "$1" \
        "$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' "$out")" "$last_tokens_per_s" \
        "$(latency_ms 50% "$out")" "$(latency_ms 99% "$out")" "$(failed "$out")"
    # wrk stops at the first answer or 2-second check after its duration; if it ran much longer,
    # wrk itself was held up. (Once, on a shared VM, a soak counted a timeout on every connection
    # and 18% fewer requests/s than the server's token counter gave: what a pause of wrk of
    # about 12 s at the end of the run would give. This line says so when it happens.)
    awk -v d="$3" '/ requests in / {
        t = $4; sub(/,$/, "", t); s = t + 0; if (t ~ /m$/) s *= 60
        if (s > d + 3) printf "  (wrk ran %.1f s for a %d s run: it was held up, so this row is not the server'"'"'s)\n", s, d }' "$out"
}

start_server main
SENTENCES="$work/sentences.txt" wrk -t1 -c8 -d2s -s bench/serve_load.lua "http://127.0.0.1:$port" > /dev/null  # warm-up
echo
printf "%-12s %12s %12s %10s %10s %8s\n" "run" "requests/s" "tokens/s" "p50 ms" "p99 ms" "failed"
run "c1" 1 "$RUN_SECONDS"
run "c8" 8 "$RUN_SECONDS"
read -r before before_cpu <<< "$(ner_tag_rate)"
run "c64" 64 "$RUN_SECONDS"
c64_tokens_per_s=$last_tokens_per_s
c64_tokens_per_cpu_s=$last_tokens_per_cpu_s
read -r after after_cpu <<< "$(ner_tag_rate)"
baseline=$(( (before + after) / 2 ))
baseline_cpu=$(( (before_cpu + after_cpu) / 2 ))
printf "%-12s %12s %12s   (before c64: %s, after: %s; median of 3 each, process start included)\n" \
    "ner tag" "" "$baseline" "$before" "$after"
rss_start=$(rss_mb)
( while kill -0 "$server" 2> /dev/null; do rss_mb >> "$work/rss"; echo >> "$work/rss"; sleep 1; done ) &
sampler=$!
run "soak c64" 64 "$SOAK_SECONDS"
rss_end=$(rss_mb)
kill "$sampler" 2> /dev/null || true
echo
echo "resident memory: $rss_start MB at the soak's start, $rss_end MB at its end" \
     "($(awk -v a="$rss_start" -v b="$rss_end" 'BEGIN { printf "%+.1f%%", (b - a) / a * 100 }')), peak $(peak_mb) MB"
echo "tokens/s at c64: $(awk -v a="$c64_tokens_per_s" -v b="$baseline" 'BEGIN { printf "%.0f%%", a / b * 100 }') of ner tag's"
echo "tokens per CPU-second (whatever else runs): server at c64 $c64_tokens_per_cpu_s (wrk not counted)," \
     "ner tag $baseline_cpu; the server uses both cores, ner tag with one-sentence paragraphs mostly one"
kill -TERM "$server"
wait "$server" && status=0 || status=$?
echo "SIGTERM: exit status $status"

# --- overload: a small queue under many connections
start_server overload --max-queue 4
echo
echo "overload: 256 connections for ${OVERLOAD_SECONDS}s against --max-queue 4"
SENTENCES="$work/sentences.txt" COUNT_STATUSES=1 timeout $(( OVERLOAD_SECONDS + 30 )) \
    wrk -t1 -c256 -d"${OVERLOAD_SECONDS}"s --timeout 10s -s bench/serve_load.lua "http://127.0.0.1:$port" > "$work/wrk.overload"
grep -E '^status|Socket errors|Requests/sec' "$work/wrk.overload" | sed 's/^/  /'
after=$(curl -s -o /dev/null -w '%{http_code} in %{time_total} s' -H 'Content-Type: application/json' \
        -d '{"text": "Angela Merkel met Emmanuel Macron in Berlin."}' "http://127.0.0.1:$port/v1/tag")
echo "  right after: $after; server $(kill -0 "$server" 2> /dev/null && echo running || echo GONE)"
kill -TERM "$server"
wait "$server" && status=0 || status=$?
server=""
echo "  SIGTERM: exit status $status"
