#!/usr/bin/env bash
# How many of the 44 sentences of data/name-pairs.tsv a model gets right, as written, lowercased
# and uppercased ("Teddy Roosevelt was a great President." against "Teddy bears are on sale!":
# right means the expected PER entity is found, or no PER entity where none is expected).
#   bench/name_pairs.sh [-v] MODEL...     (-v: list the wrong sentences)
set -euo pipefail
cd "$(dirname "$0")/.."
ner=${NER:-.build/release/ner}
verbose=0
if [ "${1:-}" = "-v" ]; then verbose=1; shift; fi
echo "| model | as written | lower | upper | Teddy pair (written/lower/upper) |"
echo "| --- | ---: | ---: | ---: | --- |"
for model in "$@"; do
  row="| \`$model\`"; teddy=""
  for casing in written lower upper; do
    result=$(grep -v '^#' data/name-pairs.tsv | CASING=$casing python3 -c '
import json, os, subprocess, sys
casing = os.environ["CASING"]
recase = {"written": lambda s: s, "lower": str.lower, "upper": str.upper}[casing]
pairs = [line.rstrip("\n").split("\t") for line in sys.stdin if line.strip()]
text = "\n\n".join(recase(p[1]) for p in pairs) + "\n"
out = subprocess.run([sys.argv[1], "tag", "--model", sys.argv[2], "--format", "json"], input=text.encode(), capture_output=True, check=True).stdout.decode().splitlines()
assert len(out) == len(pairs), (len(out), len(pairs))
right, teddy = 0, []
for i, (pair, line) in enumerate(zip(pairs, out)):
    persons = [e["text"] for e in json.loads(line)["entities"] if e["label"] == "PER"]
    ok = not persons if pair[2] == "-" else recase(pair[2]) in persons
    right += ok
    if i < 2: teddy.append("ok" if ok else "wrong")
    if not ok and sys.argv[3] == "1": print(f"  {casing}: {recase(pair[1])!r} -> PER {persons}", file=sys.stderr)
print(right, "+".join(teddy))
' "$ner" "$model" "$verbose")
    row="$row | ${result% *}"; teddy="$teddy${teddy:+ / }${result#* }"
  done
  echo "$row | $teddy |"
done
