#!/usr/bin/env bash
# What a long queue costs procpool: peak resident memory (procpool and its supervisor, as
# /usr/bin/time's maxrss sees them) for 100,000 queued tasks that never get to run
# (--halt now,done=1 stops the run after the first), against the same runner with one task.
# Target: <= 20 MB.
#   benchmarks/queued_memory.sh [--tasks N] [--procpool PATH]
set -euo pipefail
tasks=100000
procpool=${PROCPOOL:-$(dirname "$0")/../build/procpool}
while [ $# -gt 0 ]; do
  case $1 in
    --tasks) tasks=$2; shift 2 ;;
    --procpool) procpool=$2; shift 2 ;;
    *) echo "queued_memory.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$procpool" ] || { echo "queued_memory.sh: no procpool binary at $procpool (build first)" >&2; exit 2; }
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
