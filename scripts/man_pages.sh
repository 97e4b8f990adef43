#!/usr/bin/env bash
# Writes the man pages (ner.1 and one page per command, ner.tag.1 ...) to .build/man from the
# command-line definitions, with swift-argument-parser's generate-manual plugin (it builds the
# package in release mode first). The generic EXIT STATUS section of every page is replaced by
# ner's exit statuses.
set -euo pipefail
cd "$(dirname "$0")/.."
swift package generate-manual --multi-page --authors "the ner developers" >/dev/null 2>.build/generate-manual.log || {
  cat .build/generate-manual.log >&2; exit 1; }
source_dir=.build/plugins/GenerateManual/outputs/ner
out=.build/man
rm -rf "$out.tmp" && mkdir -p "$out.tmp"
for page in "$source_dir"/*.1; do
  name=$(basename "$page")
  # `ner help` is ArgumentParser's help command, not a command of ours.
  [ "$name" = ner.help.1 ] && continue
  sed -e 's/^\.Ex -std$/0: success.\
.Pp\
1: an input or runtime error (a file that cannot be read or written, a damaged model, bad input; for\
.Nm ner tag\
with JSON-lines or lines input, any record that got an error line). The message on standard error has the form\
.Ql path:line: error: message .\
.Pp\
64: a usage error (an unknown option, a value out of range).\
.Pp\
130: interrupted by Ctrl-C (SIGINT); 143: terminated (SIGTERM).\
.Nm ner train\
saves a checkpoint first; continue with the same command and\
.Fl -resume ./' -e '/^\.Xr ner\.help 1/d' "$page" > "$out.tmp/$name"
done
rm -rf "$out" && mv "$out.tmp" "$out"
ls "$out"
