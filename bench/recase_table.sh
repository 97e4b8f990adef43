#!/usr/bin/env bash
# Robustness of models to letter case: conlleval FB1 of each model on a gold file as written and
# with every token lowercased, uppercased and title-cased (`ner eval --recase`), as a Markdown
# table; with --types, per entity type too.
#   bench/recase_table.sh [--types] GOLD MODEL...
#   bench/recase_table.sh ../shared/data/conll2003/test.txt models/default.ner
set -euo pipefail
cd "$(dirname "$0")/.."
ner=${NER:-.build/release/ner}
types=0
if [ "${1:-}" = "--types" ]; then types=1; shift; fi
gold=$1; shift
echo "| model | as written | lower | upper | title |"
echo "| --- | ---: | ---: | ---: | ---: |"
for model in "$@"; do
  row="| \`$model\`"
  declare -A per=()
  for r in none lower upper title; do
    args=(); [ "$r" != none ] && args=(--recase "$r")
    report=$("$ner" eval --model "$model" "${args[@]}" "$gold" 2>/dev/null)
    row="$row | $(echo "$report" | sed -n 2p | grep -o 'FB1: *[0-9.]*' | grep -o '[0-9.]*$')"
    while read -r type f1; do per["$type"]="${per[$type]:-} | $f1"; done < <(echo "$report" | awk 'NR>2 && /FB1/ {sub(":", "", $1); print $1, $7}')
  done
  echo "$row |"
  if [ $types = 1 ]; then
    for t in $(printf '%s\n' "${!per[@]}" | sort); do echo "| $t${per[$t]} |"; done
  fi
  unset per
done
