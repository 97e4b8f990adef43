#!/usr/bin/env bash
# One malformed record among a million good ones: `ner tag --input jsonl` must write one error
# line for it and tag every other record. Writes the corpus to $DIR (default /tmp/ner-million),
# never into the repository; prints the counts, the exit status, the time and the peak memory.
#
#   bash bench/million_records.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ner=${NER:-$PWD/.build/release/ner}
dir=${DIR:-/tmp/ner-million}
mkdir -p "$dir"
python3 - "$dir/corpus.jsonl" <<'PY'
import json, sys
texts = ["Angela Merkel met Emmanuel Macron in Berlin on Monday.", "Shares of Vestra rose 3 percent in Tokyo.",
         "teddy roosevelt was a great president.", "NO ENTITY HERE, JUST SHOUTING."]
with open(sys.argv[1], "w") as out:
    for i in range(1_000_001):
        if i == 500_000:
            out.write('{"id": 500000, "text": "an unterminated string}\n')
        else:
            out.write(json.dumps({"id": i, "text": texts[i % len(texts)]}) + "\n")
PY
status=0
/usr/bin/time -f "%e s, %M KB peak" -o "$dir/time" "$ner" tag --input jsonl "$dir/corpus.jsonl" > "$dir/out.jsonl" 2> "$dir/err" || status=$?
echo "input lines:  $(wc -l < "$dir/corpus.jsonl")"
echo "output lines: $(wc -l < "$dir/out.jsonl")"
echo "error lines:  $(grep -c '"error"' "$dir/out.jsonl")  ($(grep '"error"' "$dir/out.jsonl" | cut -c1-120))"
echo "records with entities: $(grep -c '"entities": \[{' "$dir/out.jsonl")"
echo "exit status: $status; stderr: $(tail -1 "$dir/err")"
echo "time: $(cat "$dir/time")"
