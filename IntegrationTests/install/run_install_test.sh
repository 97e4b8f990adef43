#!/usr/bin/env bash
# make install into a temporary prefix, then the installed ner run from another directory (and
# through $PATH) without NER_MODEL must find its model; the man pages and the completions must be
# there and valid; make uninstall must remove every installed file. Run by `make test`.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix with space"
fail() { echo "install test: FAIL: $*" >&2; exit 1; }
ok() { echo "install test: ok: $*"; }

make -s install PREFIX="$prefix" >"$work/install.log" 2>&1 || { cat "$work/install.log" >&2; fail "make install"; }
ok "make install PREFIX=<tmp>"

elsewhere="$work/elsewhere"; mkdir -p "$elsewhere"; cd "$elsewhere"
unset NER_MODEL
out=$(echo "Teddy Roosevelt was a great President." | "$prefix/bin/ner" tag)
[ "$out" = "[PER Teddy Roosevelt] was a great President ." ] || fail "installed ner tag printed: $out"
ok "installed binary, run from another directory, finds its model: $out"
out=$(echo "Paris is in France." | PATH="$prefix/bin:$PATH" ner tag)
[ "$out" = "[LOC Paris] is in [LOC France] ." ] || fail "ner from PATH printed: $out"
ok "ner found through PATH finds its model"
ln -s "$prefix/bin/ner" "$work/ner-link"
out=$(echo "Teddy Roosevelt was a great President." | "$work/ner-link" tag)
[ "$out" = "[PER Teddy Roosevelt] was a great President ." ] || fail "ner through a symbolic link printed: $out"
ok "ner through a symbolic link finds its model"

for page in ner ner.train ner.eval ner.tag ner.tokenize ner.inspect ner.convert ner.bench ner.serve ner.report ner.calibrate ner.rank ner.compile-patterns; do
  f="$prefix/share/man/man1/$page.1"
  [ -s "$f" ] || fail "no man page $f"
  grep -q '^\.Sh "EXIT STATUS"' "$f" || fail "$f has no EXIT STATUS section"
  grep -q '^130: interrupted' "$f" || fail "$f does not document exit status 130"
  if command -v man >/dev/null; then
    text=$(MANWIDTH=80 man -l "$f" 2>&1) || fail "man -l $f: $text"
    grep -q "64: a usage error" <<< "$text" || fail "man $page does not render the exit statuses"
  fi
done
[ ! -e "$prefix/share/man/man1/ner.help.1" ] || fail "ner.help.1 installed"
ok "man pages: ner.1 and one per command, with exit statuses$(command -v man >/dev/null && echo ', rendered by man')"

bash_completion="$prefix/share/bash-completion/completions/ner"
bash -c "source '$bash_completion' && complete -p ner" >/dev/null || fail "bash completion does not register for ner"
words=$(bash -c "source '$bash_completion'; COMP_WORDS=(ner ta); COMP_CWORD=1; COMP_LINE='ner ta'; COMP_POINT=6; _ner ner ta ner >/dev/null 2>&1 || true; printf '%s\n' \"\${COMPREPLY[@]}\"")
grep -qx tag <<< "$words" || fail "bash completion of 'ner ta' gave: $words"
grep -q '^#compdef ner' "$prefix/share/zsh/site-functions/_ner" || fail "zsh completion has no #compdef ner"
grep -q "^complete -c 'ner'" "$prefix/share/fish/vendor_completions.d/ner.fish" || fail "fish completion has no complete -c ner"
ok "completions: bash (completes 'ner ta' to tag), zsh, fish"

cd "$repo"
make -s uninstall PREFIX="$prefix" >"$work/uninstall.log" 2>&1 || { cat "$work/uninstall.log" >&2; fail "make uninstall"; }
left=$(find "$prefix" -type f)
[ -z "$left" ] || fail "make uninstall left: $left"
ok "make uninstall removes every installed file"
