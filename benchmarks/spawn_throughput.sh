#!/usr/bin/env bash
# Spawn throughput: N x /bin/true with J in flight through procpool run, xargs -P and GNU
# parallel, in one run, several rounds, interleaved so machine noise hits all three alike.
# Every tool runs plain `/bin/true` with no argument: given one, coreutils' true initialises
# the locale to look for --help, which doubles the child's own cost and hides the runner's.
# Prints tasks/s per round, the median, and procpool's ratio to each peer.
#   benchmarks/spawn_throughput.sh [--tasks N] [--jobs J] [--rounds R] [--procpool PATH]
set -euo pipefail
# shellcheck source=timing.sh
source "$(dirname "$0")/timing.sh"
tasks=2000 jobs=2 rounds=5 pp=${PROCPOOL:-}
bench_options spawn_throughput.sh "$@"
procpool=$pp
bench_require spawn_throughput.sh "$procpool"
command -v parallel >/dev/null || { echo "spawn_throughput.sh: GNU parallel is missing (apt-get install parallel)" >&2; exit 2; }

inputs=$(mktemp)
task_lines=$(mktemp)
trap 'rm -f "$inputs" "$task_lines"' EXIT
seq "$tasks" > "$inputs"
awk -v n="$tasks" 'BEGIN { for (i = 0; i < n; i++) print "/bin/true" }' > "$task_lines"

# Seconds (with fractions) that the command took.
time_of() {
  local start end
  start=$(date +%s.%N)
  "$@" > /dev/null 2>&1
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

declare -A rates
for tool in procpool xargs parallel; do rates[$tool]=""; done
echo "machine: $(nproc) cores, $(uname -r); $tasks x /bin/true, $jobs in flight, $rounds rounds"
for round in $(seq "$rounds"); do
  line="round $round:"
  for tool in procpool xargs parallel; do
    case $tool in
      procpool) s=$(time_of "$procpool" run -j"$jobs" --no-progress --tasks "$task_lines") ;;
      xargs) s=$(time_of xargs -P"$jobs" -I{} /bin/true < "$inputs") ;;
      parallel) s=$(time_of parallel -j"$jobs" -N0 /bin/true < "$inputs") ;;
    esac
    rate=$(echo "$tasks / $s" | bc -l)
    rates[$tool]+="$rate "
    line+=$(printf "  %s %.0f/s" "$tool" "$rate")
  done
  echo "$line"
done

p=$(echo "${rates[procpool]}" | median)
x=$(echo "${rates[xargs]}" | median)
g=$(echo "${rates[parallel]}" | median)
printf "median tasks/s: procpool %.0f, xargs -P%s %.0f, GNU parallel -j%s %.0f\n" "$p" "$jobs" "$x" "$jobs" "$g"
printf "ratios: procpool/xargs %.2fx (target >= 1.6x), procpool/parallel %.2fx (target >= 6x)\n" \
  "$(echo "$p / $x" | bc -l)" "$(echo "$p / $g" | bc -l)"
