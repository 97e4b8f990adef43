#!/usr/bin/env bash
# NERKit's hand-written JSON readers (HeaderJSON for model file headers, JSONObjectLine for
# `ner tag --input jsonl`) against Foundation's JSONSerialization and JSONDecoder on their real
# workloads: the safetensors header of models/default.ner, and CoNLL-2003 as JSON lines
# (bench/jsonl_corpus.py; licensed text, so written to a scratch directory). Compiles the parser
# sources as a release build does (-O, whole module) beside bench/json_parsers/main.swift and prints one line per workload.
#
#   bash bench/json_parsers.sh [CONLL_DIR] [ROUNDS]    (defaults: ../shared/data/conll2003, 7)
set -euo pipefail
cd "$(dirname "$0")/.."
conll=${1:-../shared/data/conll2003}
rounds=${2:-7}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
python3 bench/jsonl_corpus.py "$conll" "$scratch" --min-tokens 300000 > /dev/null
# The parsers of two modules (NERKit, NERCommandSupport) compiled as one: without their imports.
mkdir "$scratch/src"
for f in Sources/NERKit/IO/HeaderJSON.swift \
    Sources/NERCommandSupport/Input/JSONObjectLine.swift Sources/NERCommandSupport/Input/JSONObjectLine+Elements.swift \
    Sources/NERKit/IO/JSONText.swift Sources/NERKit/IO/UTF8Validation.swift Sources/NERKit/NERError.swift; do
  grep -v '^import NERKit$' "$f" > "$scratch/src/$(basename "$f")"
done
swiftc -O -wmo -parse-as-library -package-name ner -module-name JSONParsersBenchmark -o "$scratch/json_parsers" \
    bench/json_parsers/main.swift "$scratch"/src/*.swift
"$scratch/json_parsers" models/default.ner "$scratch/corpus.jsonl" "$rounds"
