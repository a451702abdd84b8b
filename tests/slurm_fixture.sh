#!/usr/bin/env bash
# The CTest fixture of the `slurm` tests: a real single-node Slurm from the workplace's
# slurm-local (../shared/tools/, next to the checkout), started before them and stopped after.
#   tests/slurm_fixture.sh up|down
# Without root, or without slurm-local, it says so and starts nothing: the tests then skip,
# saying why.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
tool=""
for candidate in "${PROCPOOL_SLURM_LOCAL:-}" "$here/../shared/tools/slurm-local" /work/shared/tools/slurm-local; do
  [ -n "$candidate" ] && [ -x "$candidate" ] && { tool=$candidate; break; }
done
if [ "$(id -u)" -ne 0 ]; then echo "slurm fixture: not root, Slurm not started"; exit 0; fi
if [ -z "$tool" ]; then echo "slurm fixture: slurm-local not found, Slurm not started"; exit 0; fi
case ${1:-} in
  up) "$tool" down > /dev/null 2>&1 || true  # a Slurm left running by an earlier run: restart it
      "$tool" up ;;
  down) "$tool" down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
