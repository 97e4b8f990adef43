#!/usr/bin/env bash
# `ner report` end to end: trains a small model on data/sample.conll, writes its report with
# --gold, checks that the page is self-contained (no script, no network address), then renders it
# with headless Chromium (installed from Debian's packages when missing) and checks that the page
# loads without console errors and draws its charts. Run by `make test`.
set -euo pipefail
cd "$(dirname "$0")/../.."
ner=${NER:-.build/release/ner}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "report test: FAIL: $*" >&2; exit 1; }
ok() { echo "report test: ok: $*"; }

if ! command -v chromium >/dev/null; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  echo "report test: installing chromium" >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null 2>&1 || {
    DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null; }
fi

"$ner" train --train data/sample.conll --dev data/sample.conll --hidden 16 --word-dim 20 --epochs 4 --patience 10 \
  --output "$work/model.ner" 2>"$work/train.log" || { cat "$work/train.log" >&2; fail "training"; }
[ "$(wc -l < "$work/model.ner.metrics.jsonl")" -eq 4 ] || fail "expected 4 epochs of metrics"
"$ner" report --gold data/sample.conll --output "$work/report.html" "$work/model.ner" || fail "ner report"
page="$work/report.html"
grep -q '<h1>Training report' "$page" || fail "no title"
[ "$(grep -c '<svg' "$page")" -eq 4 ] || fail "expected 4 SVG figures (loss, dev scores, confusion, reliability): $(grep -c '<svg' "$page")"
[ "$(grep -c '<polyline' "$page")" -ge 4 ] || fail "expected the loss and the dev P/R/F1 curves"
grep -q 'best epoch' "$page" || fail "best epoch not marked"
grep -q '<td>PER</td>' "$page" || fail "no per-type scores"
! grep -qi '<script' "$page" || fail "the page has a script"
! grep -Eq '(src|href)="[a-z]+:' "$page" || fail "the page loads something from a URL"
ok "report written: 3 figures, per-type scores, no script, no external resource"

# A missing metrics file named explicitly is an error naming it; without one, the page says so.
if "$ner" report --metrics "$work/none.jsonl" "$work/model.ner" >/dev/null 2>"$work/err"; then fail "missing --metrics accepted"; fi
grep -q "$work/none.jsonl: error: no such file" "$work/err" || fail "missing metrics message: $(cat "$work/err")"
rm "$work/model.ner.metrics.jsonl"
note=$("$ner" report "$work/model.ner") || fail "ner report without metrics"
grep -q "No training metrics" <<< "$note" || fail "no note for a model without metrics"
ok "missing metrics: an error when named, a note otherwise"

log="$work/chromium.log"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,1800 \
  --enable-logging=stderr --v=0 --screenshot="$work/report.png" "file://$page" >"$log" 2>&1 || { cat "$log" >&2; fail "chromium"; }
if grep -E 'CONSOLE|Uncaught|Failed to load' "$log"; then fail "the page logged errors in Chromium"; fi
size=$(stat -c %s "$work/report.png")
[ "$size" -gt 20000 ] || fail "screenshot is only $size bytes"
dom=$(chromium --headless --no-sandbox --disable-gpu --dump-dom "file://$page" 2>/dev/null)
grep -q '<polyline' <<< "$dom" || fail "Chromium's DOM has no chart lines"
ok "Chromium renders the page without console errors (screenshot $size bytes)"
