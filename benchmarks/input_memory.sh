#!/usr/bin/env bash
# What many inputs cost: peak resident memory of procpool and of GNU parallel (as
# /usr/bin/time's maxrss sees them) reading 1,000,000 input lines with -N 1000 (1,000 commands
# of `true`), measured in the same run. Target: procpool <= 2x GNU parallel.
#   benchmarks/input_memory.sh [--tasks INPUTS] [--procpool PATH]
# GNU parallel takes ~45 s for this on a 2-core machine; procpool ~2 s.
set -euo pipefail
# shellcheck source=timing.sh
source "$(dirname "$0")/timing.sh"
tasks=1000000 pp=${PROCPOOL:-}
bench_options input_memory.sh "$@"
bench_require input_memory.sh "$pp"
[ -x /usr/bin/time ] || { echo "input_memory.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
command -v parallel > /dev/null || { echo "input_memory.sh: GNU parallel is missing" >&2; exit 2; }

bench_workdir
seq "$tasks" > "$work/inputs"
maxrss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

ours=$(maxrss "$pp" run --no-progress -N 1000 -- true :::: "$work/inputs")
gnu=$(maxrss parallel -N 1000 true :::: "$work/inputs")
printf 'inputs: %d lines, -N 1000 (%s)\n' "$tasks" "$(nproc) cores, $(uname -r)"
printf 'procpool:      %7d KB\n' "$ours"
printf 'GNU parallel:  %7d KB\n' "$gnu"
ratio=$(echo "$ours / $gnu" | bc -l)
printf 'procpool / GNU parallel: %.2fx\n' "$ratio"
if (( $(echo "$ratio <= 2" | bc -l) )); then echo "target <= 2x: met"; else echo "target <= 2x: NOT met"; fi
