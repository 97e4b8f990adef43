#!/usr/bin/env bash
# Fuzzes every reader of user input with libFuzzer and AddressSanitizer.
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 60 s, every target)
# Seeds are fuzz/corpus/TARGET (committed); what the fuzzer adds goes to .build-fuzz/corpus/TARGET.
# A crash, hang (over 10 s for one input), leak or sanitizer report stops with exit 1 and leaves
# the input as .build-fuzz/crash-* (or leak-, timeout-); add it to fuzz/corpus/TARGET once fixed.
# Prints executions per target. Needs a Swift toolchain with libFuzzer (Linux).
#   FUZZ_RUNS=N        stop a target after N executions (and SECONDS at the latest)
#   FUZZ_SEED=N        libFuzzer's random seed (default: a new one each run); with FUZZ_RUNS, a
#                      run that does the same work each time (make test uses it: a test run
#                      that passes passes again; the open-ended search is `make fuzz`)
#   FUZZ_LEAKS=0       no LeakSanitizer pass on inputs that allocate more than they free (faster;
#                      the default checks for leaks)
#   FUZZ_SKIP_BUILD=1  use the ner-fuzz already built (a long campaign while the sources change)
#   FUZZ_CONFIG=debug  build the target without optimisation (in .build-fuzz-debug): a cold build
#                      in about a third of the release build's time, at a third to a fifth of its
#                      executions per second, and with Swift's assertions kept. make test uses it:
#                      there the build, not the 10 s a target, was most of the step. The default
#                      is release, for long campaigns.
#   FUZZ_JOBS=N        targets run at once (default: the number of cores; each libFuzzer run is
#                      one thread, so on 2 cores the 11 targets of make test take half the time)
#   FUZZ_ASAN=0        libFuzzer without AddressSanitizer (built in .build-fuzz-plain): about 3x
#                      the executions per second, with Swift's own bounds, overflow and
#                      precondition checks as the release build has them but no check of the C
#                      code and unsafe pointers; for long campaigns beside the sanitised runs.
#                      It shares the corpora of .build-fuzz/corpus.
# AddressSanitizer keeps no allocation stacks and a 16 MB quarantine: a fuzz input allocates
# little, and the default 256 MB quarantine made every run fault in fresh pages (1.5x slower).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
all=(conll tokenizer predictions embeddings model jsonl annotations labelstudio conllu brat patterns)
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")
for t in "${targets[@]}"; do
  [[ " ${all[*]} " == *" $t "* ]] || { echo "fuzz.sh: no target '$t' (targets: ${all[*]})" >&2; exit 64; }
done
runs=${FUZZ_RUNS:--1}
seed=${FUZZ_SEED:-0}
leaks=${FUZZ_LEAKS:-1}
scratch=.build-fuzz sanitizers=fuzzer,address
config=${FUZZ_CONFIG:-release}
case "$config" in release|debug) ;; *) echo "fuzz.sh: FUZZ_CONFIG must be release or debug, not '$config'" >&2; exit 64;; esac
if [ "${FUZZ_ASAN:-1}" = 0 ]; then scratch=.build-fuzz-plain sanitizers=fuzzer leaks=0; fi
if [ "$config" = debug ]; then scratch=$scratch-debug; fi
if [ "${FUZZ_SKIP_BUILD:-0}" != 1 ]; then
  bash scripts/install-deps.sh
  # SwiftPM links with gold, which fails on the sanitizer runtimes; lld works.
  swift build -c "$config" --product ner-fuzz --scratch-path "$scratch" \
    -Xswiftc -sanitize="$sanitizers" -Xswiftc -DFUZZING -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld >&2
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=0:quarantine_size_mb=16}
bin=$scratch/x86_64-unknown-linux-gnu/$config/ner-fuzz
[ -x "$bin" ] || bin=$(find "$scratch" -path "*$config/ner-fuzz" -type f -print -quit)
jobs=${FUZZ_JOBS:-$(nproc)}
# run_target T: one target; its line of results in $scratch/fuzz-T.result, its log in $scratch/fuzz-T.log.
run_target() {
  local t=$1 log="$scratch/fuzz-$1.log" start
  mkdir -p ".build-fuzz/corpus/$t"
  start=$(date +%s)
  if NER_FUZZ_TARGET=$t "$bin" ".build-fuzz/corpus/$t" "fuzz/corpus/$t" -max_total_time="$seconds" -runs="$runs" -seed="$seed" -detect_leaks="$leaks" \
       -timeout=10 -rss_limit_mb=2048 -max_len=65536 -artifact_prefix=.build-fuzz/ -print_final_stats=1 >"$log" 2>&1; then
    done_runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    echo "fuzz $t: $done_runs executions in $(( $(date +%s) - start )) s, no crash" > "$scratch/fuzz-$t.result"
  else
    echo "FAILED" > "$scratch/fuzz-$t.result"
  fi
}
for t in "${targets[@]}"; do
  rm -f "$scratch/fuzz-$t.result"
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_target "$t" &
done
wait
status=0
for t in "${targets[@]}"; do
  if grep -q '^fuzz ' "$scratch/fuzz-$t.result" 2>/dev/null; then
    cat "$scratch/fuzz-$t.result"
  else
    echo "fuzz $t: FAILED (see $scratch/fuzz-$t.log)"; tail -30 "$scratch/fuzz-$t.log"; status=1
  fi
done
exit $status
