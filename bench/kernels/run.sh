#!/usr/bin/env bash
# The tagging kernels' paths side by side on this CPU: bench/kernels/kernels.c times each path of
# the recurrent product and the gate step, bench/kernels/semantics.c shows what the two bfloat16
# paths compute. Builds both with the toolchain's clang from Sources/CKernels and runs them on
# one thread; the timings are CPU time, still disturbed on a loaded machine (compare paths
# within one run).
#   bash bench/kernels/run.sh [HIDDEN [product|cell]]   (hidden units, default 200 as the default
#   model's; then the recurrent product or the gate step alone)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${BENCH_DIR:-/tmp/ner-kernels}
mkdir -p "$out"
for program in kernels semantics; do
  ${CC:-clang} -O3 -ISources/CKernels/include -ISources/CKernels "bench/kernels/$program.c" Sources/CKernels/*.c -lm -o "$out/$program"
done
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | tr -d ' ') model $(grep -m1 '^model\s' /proc/cpuinfo | cut -d: -f2 | tr -d ' '), load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$out/kernels" "$@"
"$out/semantics"
