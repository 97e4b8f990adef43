#!/usr/bin/env bash
# `ner serve` under a slow-client attack, and what TLS with an API key costs; loopback only,
# bounded in time (about 2 minutes):
#
#   1. slowloris: $ATTACK connections (more than --max-connections, 1024) from 127.0.0.2, each
#      trickling one header line every 5 s and opened again when the server closes it, for
#      $ATTACK_SECONDS (bench/slowloris.py); meanwhile wrk sends ordinary one-sentence requests at
#      concurrency 8 from 127.0.0.1 for the last $WRK_SECONDS of it. Prints wrk's failed
#      requests and p50/p99, and how the server answered the trickling connections: by status,
#      and the longest each stayed open (connect to the server's close), against
#      --header-timeout (10 s). (The attack comes from 127.0.0.2 and the ordinary client from
#      127.0.0.1, not the other way round, because wrk cannot choose its source address; the
#      server only cares that they differ.)
#   2. wrk posting bodies over --max-body-bytes: every answer a 413, no socket errors.
#   3. TLS and a key against plain HTTP without one: wrk at concurrency 64, $RUN_SECONDS each,
#      alternated twice (plain, TLS, plain, TLS), requests/s and p99 of each, and TLS's share.
#
# Needs a release build (swift build -c release --product ner), wrk, /usr/bin/time, python3 and
# openssl (bench/serve_common.sh). Other processes on the machine lower the figures: note what
# else was running.
#
#   bench/serve_slowloris.sh
#   ATTACK_SECONDS=20 WRK_SECONDS=10 RUN_SECONDS=5 bench/serve_slowloris.sh     (shorter)
set -euo pipefail
cd "$(dirname "$0")/.."

NER=${NER:-.build/release/ner}
MODEL=${MODEL:-models/default.ner}
ATTACK=${ATTACK:-1100}
ATTACK_SECONDS=${ATTACK_SECONDS:-40}
WRK_SECONDS=${WRK_SECONDS:-25}
RUN_SECONDS=${RUN_SECONDS:-10}

source bench/serve_common.sh
command -v openssl > /dev/null || { echo "openssl is needed" >&2; exit 1; }
write_sentences
ulimit -n "$(ulimit -Hn)" 2> /dev/null || true
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

latency_ms() {
    awk -v p="$1" '$1 == p {
        v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
        if (u == "us") v /= 1000; else if (u == "s") v *= 1000; else if (u == "m") v *= 60000
        printf "%.2f", v }' "$2"
}
failed() {
    awk '/Non-2xx/ { n += $NF } /Socket errors/ { gsub(/[a-z,]/, " "); n += $3 + $4 + $5 + $6 } END { print n + 0 }' "$1"
}

# --- 1. slowloris from 127.0.0.2, ordinary requests from 127.0.0.1
start_server slowloris
echo
echo "slowloris: $ATTACK trickling connections from 127.0.0.2 for ${ATTACK_SECONDS}s (server defaults:" \
     "--max-connections 1024, --max-connections-per-client 256, --header-timeout 10)"
python3 bench/slowloris.py "$port" --from 127.0.0.2 --connections "$ATTACK" --every 5 --seconds "$ATTACK_SECONDS" \
    > "$work/attack.json" &
attacker=$!
sleep $(( ATTACK_SECONDS - WRK_SECONDS - 5 ))
SENTENCES="$work/sentences.txt" timeout $(( WRK_SECONDS + 30 )) \
    wrk -t1 -c8 -d"${WRK_SECONDS}"s --timeout 10s --latency -s bench/serve_load.lua "http://127.0.0.1:$port" > "$work/wrk.attack"
wait "$attacker"
echo "  wrk c8 from 127.0.0.1 during the attack: $(awk '/^Requests\/sec/ { printf "%.0f", $2 }' "$work/wrk.attack") requests/s," \
     "p50 $(latency_ms 50% "$work/wrk.attack") ms, p99 $(latency_ms 99% "$work/wrk.attack") ms, failed $(failed "$work/wrk.attack")" \
     "of $(awk '/requests in/ { print $1 }' "$work/wrk.attack")"
python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))
print("  trickling connections: %d opened (%d refused at connect); answers by status: %s" % (
    a["connections_opened"], a["connect_errors"], ", ".join("%s: %d" % kv for kv in sorted(a["answers"].items()))))
print("  longest open, by answer (s): %s; p50: %s" % (
    ", ".join("%s: %.2f" % kv for kv in sorted(a["open_seconds_max"].items())),
    ", ".join("%s: %.2f" % kv for kv in sorted(a["open_seconds_p50"].items()))))
print("  longest wait for the answer (s): %s" % ", ".join("%s: %.2f" % kv for kv in sorted(a["answer_seconds_max"].items())))
print("  still open at the end: %d, the oldest opened %.2f s before" % (a["still_open_at_end"], a["oldest_open_at_end_s"]))
' "$work/attack.json"
echo "  server $(kill -0 "$server" 2> /dev/null && echo running || echo GONE)"
kill -TERM "$server"
wait "$server" || true
server=""

# --- 2. a body over --max-body-bytes from wrk, which sends all of a request before it reads
start_server body --max-body-bytes 1000
cat > "$work/big.lua" <<'LUA'
wrk.method = "POST"
wrk.path = "/v1/tag"
wrk.headers["Content-Type"] = "text/plain"
wrk.body = string.rep("a", 200000)
LUA
cat bench/serve_load.lua | sed -n '/^if os.getenv("COUNT_STATUSES")/,$p' >> "$work/big.lua"
COUNT_STATUSES=1 SENTENCES="$work/sentences.txt" timeout 40 wrk -t1 -c4 -d3s --timeout 10s -s "$work/big.lua" \
    "http://127.0.0.1:$port" > "$work/wrk.big"
echo
echo "wrk posting 200 kB bodies against --max-body-bytes 1000 (c4, 3 s):" \
     "$(grep -E '^status' "$work/wrk.big" | tr '\n' ' ')$(grep -E 'Socket errors' "$work/wrk.big" || echo 'no socket errors')"
kill -TERM "$server"
wait "$server" || true
server=""

# --- 3. TLS and a key against plain HTTP without one, at concurrency 64
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" 2> /dev/null
key=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
echo "$key" > "$work/keys"
echo
echo "plain HTTP without a key against TLS (ECDSA P-256) with --api-keys, wrk -c64 for ${RUN_SECONDS}s each:"
printf "  %-10s %12s %10s %8s\n" "run" "requests/s" "p99 ms" "failed"
declare -A total=([plain]=0 [tls]=0)
for round in 1 2; do
    for kind in plain tls; do
        if [ "$kind" = tls ]; then
            SCHEME=https start_server tls-$round --tls-cert "$work/cert.pem" --tls-key "$work/key.pem" --api-keys "$work/keys"
            url="https://127.0.0.1:$port"
        else
            start_server plain-$round
            url="http://127.0.0.1:$port"
        fi
        SENTENCES="$work/sentences.txt" AUTHORIZATION="$([ "$kind" = tls ] && echo "Bearer $key" || true)" \
            wrk -t1 -c8 -d2s -s bench/serve_load.lua "$url" > /dev/null  # warm-up
        SENTENCES="$work/sentences.txt" AUTHORIZATION="$([ "$kind" = tls ] && echo "Bearer $key" || true)" \
            timeout $(( RUN_SECONDS + 30 )) wrk -t1 -c64 -d"${RUN_SECONDS}"s --timeout 10s --latency \
            -s bench/serve_load.lua "$url" > "$work/wrk.$kind.$round"
        rps=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' "$work/wrk.$kind.$round")
        total[$kind]=$(( total[$kind] + rps ))
        printf "  %-10s %12s %10s %8s\n" "$kind $round" "$rps" "$(latency_ms 99% "$work/wrk.$kind.$round")" \
            "$(failed "$work/wrk.$kind.$round")"
        kill -TERM "$server"
        wait "$server" || true
        server=""
    done
done
echo "  TLS with a key: $(awk -v a="${total[tls]}" -v b="${total[plain]}" 'BEGIN { printf "%.0f%%", a / b * 100 }') of plain HTTP's requests/s"
