#!/usr/bin/env bash
# What a long queue costs procpool: peak resident memory (procpool and its supervisor, as
# /usr/bin/time's maxrss sees them) for 100,000 queued tasks that never get to run
# (--halt now,done=1 stops the run after the first), against the same runner with one task.
# Target: <= 20 MB.
#   benchmarks/queued_memory.sh [--tasks N] [--procpool PATH]
set -euo pipefail
# shellcheck source=timing.sh
source "$(dirname "$0")/timing.sh"
tasks=100000 pp=${PROCPOOL:-}
bench_options queued_memory.sh "$@"
procpool=$pp
bench_require queued_memory.sh "$procpool"
[ -x /usr/bin/time ] || { echo "queued_memory.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }

inputs=$(mktemp)
trap 'rm -f "$inputs"' EXIT
seq "$tasks" > "$inputs"

maxrss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

one=$(maxrss "$procpool" run -j2 --halt now,done=1 -- true ::: 1)
queued=$(maxrss "$procpool" run -j2 --halt now,done=1 -a "$inputs" -- true)
printf 'procpool, 1 task:            %6d KB\n' "$one"
printf 'procpool, %d queued:     %6d KB  (%d bytes per queued task)\n' "$tasks" "$queued" \
  $(( (queued - one) * 1024 / tasks ))
if [ "$queued" -le 20480 ]; then echo "target <= 20 MB: met"; else echo "target <= 20 MB: NOT met"; fi
