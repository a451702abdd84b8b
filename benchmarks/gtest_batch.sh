#!/usr/bin/env bash
# procpool gtest --batch against one process per test and against the binary alone, in one run,
# on tests/fixtures/fixture_many (500 fast tests):
#   - serial: the binary runs all its tests in one process (no isolation),
#   - the xargs floor: one process per test, 2 at a time,
#   - procpool gtest -j2 (one process per test) and procpool gtest -j2 --batch auto (history
#     warmed first),
#   - the same with one crash every 50 tests (FIXTURE_CRASH_EVERY=50): batched verdicts are
#     compared with per-test verdicts, test by test,
#   - the same with 1 ms of CPU work in every test (FIXTURE_WORK_US=1000): a suite whose own time
#     (0.5 s) is more than procpool's fixed cost (its start, listing, plan, reports: ~50 ms here),
#     where two batches in parallel can beat the binary alone. fixture_many's clean tests take
#     ~20 us each: the whole binary runs in less time than two process starts, so no runner that
#     starts processes can match it there.
# Targets (issue 12): batch auto <= 0.1x the floor and <= 1.0x serial; with crashes <= 0.2x the
# floor and every verdict as alone; per-test mode <= 0.85x the floor.
#   benchmarks/gtest_batch.sh [--rounds N] [--build DIR] [--binary GTEST_PROGRAM]
# --binary measures another suite instead (e.g. googletest's own gtest_unittest, built from
# /usr/src/googletest with -Dgtest_build_tests=ON); the crashing round needs fixture_many.
set -euo pipefail
# shellcheck source=timing.sh
source "$(dirname "$0")/timing.sh"
rounds=5 binary=""
bench_options gtest_batch.sh "$@"
bench_gtest_program gtest_batch.sh

list_tests "$bin" > "$work/tests"
n=$(wc -l < "$work/tests")
pp_gtest() { "$pp" gtest -j2 --no-progress "$@"; }

modes="clean crashing working"; [ -n "$binary" ] && modes=clean
for mode in $modes; do
  unset FIXTURE_CRASH_EVERY FIXTURE_WORK_US
  [ $mode = crashing ] && export FIXTURE_CRASH_EVERY=50
  [ $mode = working ] && export FIXTURE_WORK_US=1000
  history=$work/$mode.history.json
  pp_gtest --history "$history" "$bin" > /dev/null || true  # warm the history
  declare -A t=([serial]="" [xargs]="" [pertest]="" [batch]="")
  for round in $(seq "$rounds"); do
    t[serial]+="$(elapsed "$bin") "
    [ $mode != crashing ] && t[xargs]+="$(elapsed xargs -P2 -I{} "$bin" --gtest_filter={} < "$work/tests") "
    t[pertest]+="$(elapsed pp_gtest --history "$history" "$bin") "
    t[batch]+="$(elapsed pp_gtest --history "$history" --batch auto "$bin") "
  done
  s=$(echo "${t[serial]}" | median)
  # xargs gives up at the first command killed by a signal: the crashing round uses the clean floor.
  [ $mode != crashing ] && x=$(echo "${t[xargs]}" | median)
  p=$(echo "${t[pertest]}" | median); b=$(echo "${t[batch]}" | median)
  echo "== ${bin##*/}, $n tests, $mode$([ $mode = crashing ] && echo ' (a crash every 50 tests)')$([ $mode = working ] && echo ' (1 ms of CPU in each test)')"
  printf "  serial in one process %.3f s | xargs floor %.3f s | procpool per test %.3f s | procpool --batch auto %.3f s\n" \
    "$s" "$x" "$p" "$b"
  printf "  batch/floor %.3fx | batch/serial %.2fx | per-test/floor %.2fx\n" \
    "$(ratio "$b" "$x")" "$(ratio "$b" "$s")" "$(ratio "$p" "$x")"
  if [ $mode = crashing ]; then
    pp_gtest --history "$history" --json "$work/alone.json" "$bin" > /dev/null || true
    pp_gtest --history "$history" --batch auto --json "$work/batch.json" "$bin" > /dev/null || true
    python3 - "$work/alone.json" "$work/batch.json" <<'PY'
import json, sys
alone = {t["name"]: t["verdict"] for t in json.load(open(sys.argv[1]))["tasks"]}
batch = {t["name"]: t["verdict"] for t in json.load(open(sys.argv[2]))["tasks"]}
differ = [n for n in alone if batch.get(n) != alone[n]]
crashed = sum(v == "crashed" for v in batch.values())
print(f"  verdicts: {len(batch)} batched, {len(alone)} alone, {crashed} crashed, "
      f"{len(differ)} differ{': ' + ', '.join(differ[:5]) if differ else ''}")
PY
  fi
done
echo "machine: $(nproc) cores, $(uname -r); $rounds rounds; medians of wall seconds"
