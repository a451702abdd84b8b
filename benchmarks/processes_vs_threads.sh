#!/usr/bin/env bash
# Processes vs threads on this machine: the default `procpool bench` grid (noop, and cpu work
# from 1 µs to 100 ms, on tbb, threads, sequential, pool and process) run ROUNDS times, each
# cell's median kept. Writes the table, CSV, JSON and plot that README's "Processes vs threads"
# quotes into docs/bench/ (or OUT_DIR).
#   benchmarks/processes_vs_threads.sh [ROUNDS] [OUT_DIR]      (about 25 s per round on 2 cores)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-3}
out=${2:-$root/docs/bench}
procpool=${PROCPOOL:-$root/build/procpool}
[[ -x $procpool ]] || { echo "build first: scripts/build (or set PROCPOOL)" >&2; exit 2; }
mkdir -p "$out"

{
  echo "# procpool bench --rounds $rounds, $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -sr)"
  echo "# $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  "$procpool" bench --rounds "$rounds" --no-progress \
    --csv "$out/processes-vs-threads.csv" --json "$out/processes-vs-threads.json" \
    --plot "$out/processes-vs-threads.svg" 2>&1
} | tee "$out/processes-vs-threads.txt.partial"
mv "$out/processes-vs-threads.txt.partial" "$out/processes-vs-threads.txt"
echo "written: $out/processes-vs-threads.{txt,csv,json,svg}"
