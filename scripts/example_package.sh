#!/usr/bin/env bash
# Builds and runs Examples/TagSentence as an outside package would use NERKit: depending on it by
# git URL and version (a clone of this repository's committed state, tagged 0.1.0), with no
# compiler flags. SwiftPM refuses a versioned dependency whose targets use unsafe flags, so this
# also proves the package has none. Checks that the example tags "Teddy Roosevelt" as a person.
#
#   bash scripts/example_package.sh        (run by make test)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d /tmp/ner-example.XXXXXX)
trap 'rm -rf "$work"' EXIT
git clone -q "$root" "$work/ner"
git -C "$work/ner" tag 0.1.0
cp -r Examples/TagSentence "$work/TagSentence"
cd "$work/TagSentence"
start=$SECONDS
NERKIT_URL="file://$work/ner" swift build --product TagSentence > "$work/build.log" 2>&1 \
  || { tail -30 "$work/build.log" >&2; echo "FAILED: the example package does not build against NERKit 0.1.0" >&2; exit 1; }
out=$(NERKIT_URL="file://$work/ner" swift run --skip-build TagSentence --model "$root/models/default.ner" \
      "Teddy Roosevelt was a great President. Teddy bears are on sale!")
echo "$out"
grep -q $'^PER\tTeddy Roosevelt\t0..<15\t' <<< "$out" \
  || { echo "FAILED: the example did not find Teddy Roosevelt (PER, 0..<15)" >&2; exit 1; }
echo "example package: built against NERKit 0.1.0 by git URL and ran in $(( SECONDS - start )) s"
