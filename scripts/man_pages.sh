#!/usr/bin/env bash
# Writes the man pages (ner.1 and one page per command, ner.tag.1 ...) to .build/man from the
# command-line definitions of the release build (.build/release/ner, `make build`), with
# swift-argument-parser's generate-manual tool (built here, beside it, with the same flags:
# RELEASE_FLAGS). The generic EXIT STATUS section of every page is replaced by ner's exit statuses.
# (The tool is run directly rather than through its package plugin, which builds the whole
# package again in release mode whenever the flags differ from its own.)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .build/release/ner ] || { echo "man pages: no .build/release/ner (make build first)" >&2; exit 1; }
# (RELEASE_FLAGS unquoted: it is a list of flags.)
# shellcheck disable=SC2086
swift build -c release --product generate-manual ${RELEASE_FLAGS:-} >.build/generate-manual.log 2>&1 || {
  cat .build/generate-manual.log >&2; exit 1; }
source_dir=.build/man.generated
rm -rf "$source_dir" && mkdir -p "$source_dir"
.build/release/generate-manual .build/release/ner --multi-page --authors "the ner developers" -o "$source_dir" \
  >>.build/generate-manual.log 2>&1 || { cat .build/generate-manual.log >&2; exit 1; }
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
