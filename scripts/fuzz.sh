#!/usr/bin/env bash
# Fuzzes every reader of user input with libFuzzer and AddressSanitizer.
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 60 s, every target)
# Seeds are fuzz/corpus/TARGET (committed); what the fuzzer adds goes to .build-fuzz/corpus/TARGET.
# A crash, hang (over 10 s for one input), leak or sanitizer report stops with exit 1 and leaves
# the input as .build-fuzz/crash-* (or leak-, timeout-); add it to fuzz/corpus/TARGET once fixed.
# Prints executions per target. Needs a Swift toolchain with libFuzzer (Linux).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(conll tokenizer predictions embeddings model jsonl)
bash scripts/install-deps.sh
# SwiftPM links with gold, which fails on the sanitizer runtimes; lld works.
swift build -c release --product ner-fuzz --scratch-path .build-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld >&2
bin=.build-fuzz/x86_64-unknown-linux-gnu/release/ner-fuzz
[ -x "$bin" ] || bin=$(find .build-fuzz -path '*release/ner-fuzz' -type f | head -1)
status=0
for t in "${targets[@]}"; do
  mkdir -p ".build-fuzz/corpus/$t"
  log=".build-fuzz/fuzz-$t.log"
  if NER_FUZZ_TARGET=$t "$bin" ".build-fuzz/corpus/$t" "fuzz/corpus/$t" -max_total_time="$seconds" \
       -timeout=10 -rss_limit_mb=2048 -max_len=65536 -artifact_prefix=.build-fuzz/ -print_final_stats=1 >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    echo "fuzz $t: $runs executions in ${seconds} s, no crash"
  else
    echo "fuzz $t: FAILED (see $log)"; tail -30 "$log"; status=1
  fi
done
exit $status
