#!/usr/bin/env bash
# Per-task overhead of --executor slurm inside one allocation (issue 14), against a bare loop of
# `srun` steps in the same allocation, in one run: N tasks of `true`, one at a time, both ways,
# alternating, R rounds; medians. Needs a running Slurm (tests/slurm_fixture.sh up, as root) and
# SLURM_CONF pointing at it. Target: procpool within 1.2x of the bare srun loop.
#   benchmarks/slurm_overhead.sh [--rounds R] [--tasks N] [--build DIR]
set -euo pipefail
# shellcheck source=timing.sh
source "$(dirname "$0")/timing.sh"
rounds=3 tasks=40
bench_options slurm_overhead.sh "$@"
bench_require slurm_overhead.sh "$pp"
export SLURM_CONF=${SLURM_CONF:-${TMPDIR:-/tmp}/procpool-slurm/slurm.conf}
job=$(salloc -n1 --no-shell 2>&1 | grep -o 'allocation [0-9]*' | grep -o '[0-9]*')
[ -n "$job" ] || { echo "slurm_overhead.sh: no allocation (is Slurm up?)" >&2; exit 2; }
trap 'scancel "$job"' EXIT
export SLURM_JOB_ID=$job
bare_loop() { for ((i = 0; i < tasks; i++)); do srun -n1 --exact --quiet true; done; }
inputs=$(seq "$tasks")
bare=() ours=()
for ((r = 1; r <= rounds; r++)); do
  bare+=("$(elapsed bare_loop)")
  # shellcheck disable=SC2086
  ours+=("$(elapsed "$pp" run -j1 --executor slurm -- true ::: $inputs)")
done
b=$(printf '%s\n' "${bare[@]}" | median)
p=$(printf '%s\n' "${ours[@]}" | median)
echo "machine: $(nproc) cores; $(date -u +%FT%TZ); $tasks tasks, median of $rounds, in allocation $job"
echo "bare srun loop: $b s ($(echo "$b * 1000 / $tasks" | bc -l | cut -c1-5) ms/task)"
echo "procpool run --executor slurm -j1: $p s ($(echo "$p * 1000 / $tasks" | bc -l | cut -c1-5) ms/task)"
echo "ratio: $(echo "$p / $b" | bc -l | cut -c1-5) (target <= 1.2)"
