# Sourced by the bench scripts that train many models: two_at_a_time FUNCTION JOB... runs
# `FUNCTION $JOB` (the job's words as its arguments) for every job, two at a time (a 2-core
# machine, each training with --threads 1), and returns when all have ended.
two_at_a_time() {
  local fn=$1 running=0 j
  shift
  for j in "$@"; do
    # shellcheck disable=SC2086
    "$fn" $j &
    running=$((running + 1))
    if [ $running -ge 2 ]; then wait -n || true; running=$((running - 1)); fi
  done
  wait
}
