#!/usr/bin/env bash
# scripts/timed.sh NAME COMMAND...: runs COMMAND and prints how long it took, so that a log of
# `make test` says where its time goes (`make test: NAME: 123 s`, on stderr). Keeps the exit status.
name=$1; shift
start=$(date +%s)
status=0
"$@" || status=$?
echo "make test: $name: $(( $(date +%s) - start )) s$([ $status -ne 0 ] && echo " (FAILED, exit $status)")" >&2
exit $status
