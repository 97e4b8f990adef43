#!/usr/bin/env bash
# scripts/lanes.sh LANE -- LANE ...: runs lanes side by side, the steps of each one after another;
# a step is "NAME COMMAND" (a `make test` step, timed by scripts/timed.sh; COMMAND is run by bash).
# Each lane's output goes to its own log, printed whole when the lane ends, so the output of two
# steps is never interleaved. A lane stops at its first failed step; the exit status is non-zero
# if any lane failed. `make test` runs the unit tests (mostly one core: they wait on the processes
# they start) beside steps that build in their own folders, which the tests leave idle.
set -uo pipefail
cd "$(dirname "$0")/.."
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
lanes=()
current=()
flush() { [ ${#current[@]} -gt 0 ] && lanes+=("$(printf '%s\n' "${current[@]}")"); current=(); }
for arg in "$@"; do
  if [ "$arg" = -- ]; then flush; else current+=("$arg"); fi
done
flush
run_lane() {
  local k=$1 steps=$2 step name
  while IFS= read -r step; do
    [ -n "$step" ] || continue
    name=${step%% *}
    bash scripts/timed.sh "$name" bash -c "${step#* }" >> "$logs/$k.log" 2>&1 || { echo "$name" > "$logs/$k.failed"; break; }
  done <<< "$steps"
  cat "$logs/$k.log" >&2
}
pids=()
for k in "${!lanes[@]}"; do
  run_lane "$k" "${lanes[$k]}" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
failed=$(cat "$logs"/*.failed 2>/dev/null | tr '\n' ' ')
[ -z "$failed" ] || { echo "make test: failed: $failed" >&2; exit 1; }
