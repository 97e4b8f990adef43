#!/usr/bin/env bash
# The challenge set (data/challenge.tsv): per split and casing (as written / lowercased /
# uppercased), how many sentences' target a model gets right (the expected entity found with the
# right label and boundaries, or the target in no entity when none is expected) and the entity
# F1 over every listed entity (exact label and boundaries, as conlleval); then the same per family.
#   bench/challenge.sh [-v] [--test] MODEL...   (-v: list the sentences whose target is wrong;
#                                                --test: also the test half, once per configuration)
#   bench/challenge.sh --check                  (validate the file and its split, print its counts)
# NER=path/to/ner picks the binary (default .build/release/ner).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--check" ]; then
  python3 bench/challenge_split.py --check
  exec python3 bench/challenge.py --check
fi
exec python3 bench/challenge.py --ner "${NER:-.build/release/ner}" "$@"
