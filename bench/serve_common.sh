# Shared by bench/serve_load.sh and bench/serve_floor.sh (sourced, from the repository root):
# the checks and installs they need, a work directory removed on exit with the server in it
# stopped, the benchmark sentences, and starting a server.
#
# Expects NER and MODEL set. Defines $work, $server (the server's pid), $port, and the
# functions below.

[ -x "$NER" ] || { echo "no $NER: build it first (swift build -c release --product ner)" >&2; exit 1; }
command -v python3 > /dev/null || { echo "python3 is needed" >&2; exit 1; }
if ! command -v wrk > /dev/null || [ ! -x /usr/bin/time ]; then
    apt-get install -y wrk time > /dev/null 2>&1 || { apt-get update > /dev/null && apt-get install -y wrk time > /dev/null; }
fi

work=$(mktemp -d)
server=""
port=""
cleanup() {
    if [ -n "$server" ] && kill -0 "$server" 2> /dev/null; then kill -TERM "$server"; wait "$server" || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# The sentences of data/sample.txt (split by `ner tag` itself) and of data/name-pairs.tsv, one
# raw sentence per line, into $work/sentences.txt, and their token count as the server counts
# them into $work/tokens.
write_sentences() {
    { "$NER" tag --model "$MODEL" --format json < data/sample.txt
      grep -v '^#' data/name-pairs.tsv | cut -f2 | "$NER" tag --model "$MODEL" --format json
    } | python3 -c '
import json, sys
tokens = 0
with open(sys.argv[1], "w") as out:
    for line in sys.stdin:
        s = json.loads(line)
        out.write(s["text"].replace("\n", " ") + "\n")
        tokens += len(s["tokens"])
print(tokens)' "$work/sentences.txt" > "$work/tokens"
}

# start_server NAME [OPTION...]: a server on a free port, its port read from its "listening"
# log line, ready once /ready answers (asked over $SCHEME, http by default). The log goes to a
# file ($work/log.NAME): through a pipe, a reader that the busy machine does not schedule in
# time would stall the server.
start_server() {
    "$NER" serve --model "$MODEL" --port 0 "${@:2}" 2> "$work/log.$1" &
    server=$!
    for _ in $(seq 600); do
        port=$(sed -n 's/.*"message": "listening".*"port": \([0-9]*\).*/\1/p' "$work/log.$1" 2> /dev/null || true)
        if [ -n "$port" ] && curl -sfk "${SCHEME:-http}://127.0.0.1:$port/ready" > /dev/null; then return; fi
        sleep 0.1
    done
    echo "the server did not become ready" >&2
    exit 1
}

# The server's CPU time so far, in seconds.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$server/stat"; }
