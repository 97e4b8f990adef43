#!/usr/bin/env bash
# The challenge set's checks and scorer (bench/challenge.py), in about a second:
# data/challenge.tsv is valid and split by its recorded rule; broken copies of a tiny fixture are
# rejected with the file, line and fault; a stand-in tagger with known output gets known scores.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fixture=IntegrationTests/challenge/fixture.tsv
fail() { echo "challenge test: $*" >&2; exit 1; }

python3 bench/challenge_split.py --check data/challenge.tsv
python3 bench/challenge.py --check --file data/challenge.tsv > /dev/null

# Each broken copy must fail, naming the line and the fault.
expect_error() {  # sed expression, expected message
  sed "$1" "$fixture" > "$tmp/bad.tsv"
  if python3 bench/challenge.py --check --file "$tmp/bad.tsv" > /dev/null 2> "$tmp/err"; then
    fail "accepted a file with: $2"
  fi
  grep -qF -- "$2" "$tmp/err" || fail "expected '$2', got: $(cat "$tmp/err")"
}
expect_error 's/\tTeddy\tPER:Teddy Roosevelt/\tTeddie\tPER:Teddy Roosevelt/' "bad.tsv:2: target 'Teddie' occurs 0 times"
expect_error 's/LOC:Paris$/LOC:Pariss/' "bad.tsv:3: entity 'Pariss' does not occur"
expect_error 's/\tPER:Theresa May\tTheresa/\tLOC:Theresa May\tTheresa/' "bad.tsv:5: expected 'LOC:Theresa May' is not the listed entity"
expect_error 's/^demo-02\tdemo\ttest\tMay\t-/demo-02\tdemo\tdev\tMay\t-/' "pair demo-02 is split across dev and test"
expect_error '5d' "pair demo-02 has 1 sentences, expected 2"
expect_error 's/\tPER:Teddy Roosevelt\tTeddy Roosevelt was/\t-\tTeddy Roosevelt was/' "expected '-' but a listed entity contains the target"
expect_error 's/^demo-02\tdemo\ttest/demo-02\tdemo\tdev/' "family demo is not split in halves"

# Known scores: the stand-in tags every run of capitalised words as PER.
python3 bench/challenge.py --file "$fixture" --test --ner IntegrationTests/challenge/fake_ner.py M > "$tmp/out"
for row in \
  '| `M` | dev | written | 2 | 1 | 50.0 | 33.33 | 50.00 | 40.00 |' \
  '| `M` | dev | lower | 2 | 1 | 50.0 | 0.00 | 0.00 | 0.00 |' \
  '| `M` | dev | upper | 2 | 0 | 0.0 | 0.00 | 0.00 | 0.00 |' \
  '| `M` | test | written | 2 | 1 | 50.0 | 33.33 | 100.00 | 50.00 |' \
  '| `M` | test | lower | 2 | 1 | 50.0 | 0.00 | 0.00 | 0.00 |' \
  '| `M` | dev | demo | 2 | 1 / 1 / 0 |' \
  '| `M` | test | mid | 2 | 1 / 1 / 0 |'; do
  grep -qF -- "$row" "$tmp/out" || fail "missing row $row in: $(cat "$tmp/out")"
done
# Without --test the test half is neither scored nor listed.
python3 bench/challenge.py --file "$fixture" -v --ner IntegrationTests/challenge/fake_ner.py M > "$tmp/out" 2> "$tmp/wrong"
! grep -q '| test |' "$tmp/out" || fail "scored the test half without --test"
grep -qF "M dev written demo-01: 'Teddy bears sold well in Paris.' target 'Teddy' expected '-', got 'PER:Teddy'" "$tmp/wrong" \
  || fail "-v did not list the wrong dev sentence: $(cat "$tmp/wrong")"
! grep -q ' test ' "$tmp/wrong" || fail "-v listed test sentences without --test"
echo "challenge test: ok"
