#!/usr/bin/env bash
# The runner's own cost for many short tasks: 100,000 `true` tasks through procpool run -j2
# --tasks, its wall time and its own CPU (without its children's: task-clock of the runner
# process alone, counted by `perf stat --no-inherit`; procpool runs without its supervisor for
# that, PROCPOOL_SUPERVISOR=0). Issue 24's check: the scheduler's rework costs no more CPU.
#   benchmarks/runner_overhead.sh [--rounds N] [--tasks N] [--build DIR]
set -euo pipefail
# shellcheck source=timing.sh
source "$(dirname "$0")/timing.sh"
rounds=3 tasks=100000
bench_options runner_overhead.sh "$@"
bench_require runner_overhead.sh "$pp"
command -v perf > /dev/null || { echo "runner_overhead.sh: needs perf (linux-perf)" >&2; exit 2; }
bench_workdir

awk -v n="$tasks" 'BEGIN { for (i = 0; i < n; i++) print "true" }' > "$work/tasks"
walls="" cpus=""
for round in $(seq "$rounds"); do
  PROCPOOL_SUPERVISOR=0 perf stat -x, -e task-clock --no-inherit -o "$work/stat" \
    "$pp" run -j2 --no-progress --tasks "$work/tasks" > /dev/null 2>&1 || true
  cpu=$(awk -F, '/task-clock/ { printf "%.3f", $1 / 1000 }' "$work/stat")
  wall=$(awk '/seconds time elapsed/ { print $1 }' "$work/stat")
  [ -n "$wall" ] || wall=$(elapsed env PROCPOOL_SUPERVISOR=0 "$pp" run -j2 --no-progress --tasks "$work/tasks")
  walls+="$wall " cpus+="$cpu "
done
printf "%d tasks of true, -j2: wall %.2f s, the runner's own CPU %.2f s (%.1f us a task); medians of %d\n" \
  "$tasks" "$(echo "$walls" | median)" "$(echo "$cpus" | median)" \
  "$(echo "$(echo "$cpus" | median) * 1000000 / $tasks" | bc -l)" "$rounds"
echo "machine: $(nproc) cores, $(uname -r)"
