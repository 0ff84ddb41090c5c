#!/usr/bin/env bash
# Runs one libFuzzer target for a while on a scratch copy of its corpus and prints libFuzzer's
# figures (docs/fuzzing.md). Used by the ctest tests of label `fuzz` and by `make fuzz`.
#
#   run_target.sh [--keep] [--quiet] BINARY WORKDIR SECONDS DICT|- SEEDS [-- LIBFUZZER_FLAGS...]
#
# New inputs go to WORKDIR/corpus (emptied first unless --keep), crashes to WORKDIR/artifacts/;
# the committed SEEDS folder is only read. The exit status is libFuzzer's: non-zero when the target
# crashed, leaked, timed out or tripped a sanitizer. --quiet keeps libFuzzer's log in WORKDIR/log
# and prints it only on failure.
set -uo pipefail
keep=0 quiet=0
while [[ $# -gt 0 && $1 == --* ]]; do
  case $1 in
    --keep) keep=1 ;;
    --quiet) quiet=1 ;;
    *) echo "run_target.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
if [[ $# -lt 5 ]]; then
  echo "usage: run_target.sh [--keep] [--quiet] BINARY WORKDIR SECONDS DICT|- SEEDS [-- FLAGS...]" >&2
  exit 2
fi
binary=$1 workdir=$2 seconds=$3 dict=$4 seeds=$5
shift 5
[[ ${1:-} == -- ]] && shift
name=$(basename "$binary")
[[ -x $binary ]] || { echo "$name: no such fuzz target $binary" >&2; exit 2; }
[[ -d $seeds ]] || { echo "$name: no seed folder $seeds" >&2; exit 2; }

[[ $keep == 1 ]] || rm -rf "$workdir/corpus"
mkdir -p "$workdir/corpus" "$workdir/artifacts"
args=(-max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$workdir/artifacts/" "$@")
[[ $dict != - ]] && args+=(-dict="$dict")

start=$(date +%s)
if [[ $quiet == 1 ]]; then
  "$binary" "${args[@]}" "$workdir/corpus" "$seeds" >"$workdir/log" 2>&1
  status=$?
else
  "$binary" "${args[@]}" "$workdir/corpus" "$seeds" 2>&1 | tee "$workdir/log"
  status=${PIPESTATUS[0]}
fi
elapsed=$(($(date +%s) - start))

stat() { sed -n "s/^stat::$1: *//p" "$workdir/log" | tail -1; }
cov=$(grep -o 'cov: [0-9]*' "$workdir/log" | tail -1 | cut -d' ' -f2)
corpus=$(find "$workdir/corpus" -type f | wc -l)
printf '%s: %s s, %s executions, %s exec/s, cov %s, %s new inputs in the work corpus, exit %s\n' \
  "${name%_fuzz}" "$elapsed" "$(stat number_of_executed_units)" "$(stat average_exec_per_sec)" "${cov:--}" \
  "$corpus" "$status"
if [[ $status != 0 ]]; then
  [[ $quiet == 1 ]] && tail -60 "$workdir/log"
  echo "${name%_fuzz}: FAILED (log $workdir/log, inputs in $workdir/artifacts/)" >&2
fi
exit "$status"
