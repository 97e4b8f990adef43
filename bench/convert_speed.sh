#!/usr/bin/env bash
# `ner convert` on all of CoNLL-2003 (train, valid and test, 301,418 tokens): column file to
# spaCy/Prodigy JSON lines and back, one line per direction with the input size, the CPU time
# (user + system: on a shared machine it is a steadier guide than the wall clock), the input
# rate per CPU second and the peak RSS; then checks that the round trip gives the column file
# back byte for byte. With COPIES > 0 it also converts a JSON-lines file of COPIES copies of the
# corpus (40 copies: about 1 GB) to a column file, to a file and to standard output, to show that
# memory does not grow with the input. CoNLL-2003 is licensed text: everything is written to a
# scratch directory (under $TMPDIR) and removed at the end.
#
#   bash bench/convert_speed.sh [NER] [CONLL_DIR] [COPIES]
#       (defaults: .build/release/ner, ../shared/data/conll2003, 0)
set -euo pipefail
cd "$(dirname "$0")/.."
ner=${1:-.build/release/ner}
conll=${2:-../shared/data/conll2003}
copies=${3:-0}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

for f in train valid test; do cat "$conll/$f.txt"; printf '\n'; done > "$scratch/all.conll"

# run LABEL IN OUT FORMAT: converts and prints LABEL, MB in, CPU s, MB/s, peak RSS MB.
run() {
    local label=$1 in=$2 out=$3 format=$4
    if [ "$out" = - ]; then
        /usr/bin/time -f '%U %S %M' -o "$scratch/time" "$ner" convert "$in" - --to "$format" > /dev/null 2> "$scratch/log"
    else
        /usr/bin/time -f '%U %S %M' -o "$scratch/time" "$ner" convert "$in" "$out" --to "$format" 2> "$scratch/log"
    fi
    read -r user sys rss < "$scratch/time"
    local bytes
    bytes=$(stat -c %s "$in")
    awk -v l="$label" -v b="$bytes" -v u="$user" -v s="$sys" -v r="$rss" 'BEGIN {
        cpu = u + s; mb = b / 1e6
        printf "%-34s %9.1f MB in  %7.2f s CPU  %6.1f MB/s  %6.0f MB peak RSS\n", l, mb, cpu, (cpu > 0 ? mb / cpu : 0), r / 1024 }'
}

run "CoNLL to JSON lines (--to spans)" "$scratch/all.conll" "$scratch/all.jsonl" spans
run "JSON lines to CoNLL (--to conll)" "$scratch/all.jsonl" "$scratch/back.conll" conll
# The column file as ner writes it (tag in the last column, IOB2, -DOCSTART- per document):
# converting that once more must give it back unchanged.
run "CoNLL (ner's) to JSON lines" "$scratch/back.conll" "$scratch/again.jsonl" spans
if cmp -s "$scratch/all.jsonl" "$scratch/again.jsonl"; then echo "round trip: JSON lines identical"; else echo "round trip: JSON lines DIFFER"; fi

if [ "$copies" -gt 0 ]; then
    for _ in $(seq "$copies"); do cat "$scratch/all.jsonl"; done > "$scratch/big.jsonl"
    rm -f "$scratch/back.conll" "$scratch/again.jsonl"
    run "$copies copies: JSON lines to CoNLL" "$scratch/big.jsonl" "$scratch/big.conll" conll
    rm -f "$scratch/big.conll"
    run "$copies copies: to standard output" "$scratch/big.jsonl" - conll
fi
