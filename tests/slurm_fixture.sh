#!/usr/bin/env bash
# The CTest fixture of the `slurm` tests: a real single-node Slurm from the workplace's
# slurm-local (../shared/tools/, next to the checkout), started before them and stopped after.
#   tests/slurm_fixture.sh up|down
# Without root, or without slurm-local, it says so and starts nothing: the tests then skip,
# saying why. Where Slurm cannot run at all (a chroot without /sys/fs/cgroup, as in fresh-check)
# it records why in $D/unavailable, and the tests skip with that reason.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
tool=""
for candidate in "${PROCPOOL_SLURM_LOCAL:-}" "$here/../shared/tools/slurm-local" /work/shared/tools/slurm-local; do
  [ -n "$candidate" ] && [ -x "$candidate" ] && { tool=$candidate; break; }
done
if [ "$(id -u)" -ne 0 ]; then echo "slurm fixture: not root, Slurm not started"; exit 0; fi
if [ -z "$tool" ]; then echo "slurm fixture: slurm-local not found, Slurm not started"; exit 0; fi
D=${TMPDIR:-/tmp}/procpool-slurm
case ${1:-} in
  up) "$tool" down > /dev/null 2>&1 || true  # a Slurm left running by an earlier run: restart it
      rm -f "$D/unavailable"
      if ! "$tool" up; then
        why=$(grep -h "error" "$D"/log/slurmd.log "$D"/log/slurmctld.log 2>/dev/null | tail -n 3)
        "$tool" down > /dev/null 2>&1 || true
        mkdir -p "$D"
        printf 'Slurm could not start on this machine: %s\n' "${why:-see $D/log}" > "$D/unavailable"
        cat "$D/unavailable"
      fi ;;
  down) "$tool" down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
