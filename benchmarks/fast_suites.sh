#!/usr/bin/env bash
# Issue 27's targets, every figure from one run, rounds interleaved: procpool gtest -j2 --batch
# auto against the program run alone in one process (no isolation), on suites of fast tests:
#   - tests/fixtures/fixture_many with 1 ms of CPU in each of its 500 tests (FIXTURE_WORK_US),
#   - any other GoogleTest program given with --binary (googletest's own gtest_unittest, built
#     from /usr/src/googletest with -Dgtest_build_tests=ON, is the issue's second suite).
# Warm: the history and the listing cache from an earlier run. Cold: a fresh history each time.
# Also, on a CTest tree made as gtest_discover_tests makes one (one add_test per test):
# ctest -j2 and procpool ctest -j2 --batch auto; and the xargs floor (one process per test, 2 at
# a time: what any runner that starts a process per test pays).
# Targets: warm batch <= 0.6x the program on the fixture and <= 1.0x on gtest_unittest, cold
# <= 1.0x on the fixture; procpool ctest --batch auto <= 0.1x ctest -j2.
#   benchmarks/fast_suites.sh [--rounds N] [--build DIR] [--binary GTEST_PROGRAM]
set -euo pipefail
# shellcheck source=timing.sh
source "$(dirname "$0")/timing.sh"
rounds=5 binary=""
bench_options fast_suites.sh "$@"
bench_require fast_suites.sh "$pp" "$build/tests/fixture_many"
bench_workdir
measure() {  # NAME LABEL PROGRAM
  local name=$1 label=$2 bin=$3
  local tests=$work/$name.tests ctestdir=$work/$name.ctest history=$work/$name.history.json
  list_tests "$bin" > "$tests"
  mkdir -p "$ctestdir"
  awk -v bin="$bin" '{ printf "add_test([=[%s]=] \"%s\" \"--gtest_filter=%s\")\n", $0, bin, $0 }' \
    "$tests" > "$ctestdir/CTestTestfile.cmake"
  pp_batch() { "$pp" gtest -j2 --no-progress --batch auto "$@"; }
  pp_batch --history "$history" "$bin" > /dev/null || true  # warm: history and listing cache
  pp_batch --history "$history" "$bin" > /dev/null || true
  "$pp" ctest -j2 --no-progress --batch auto --history "$work/$name.ctest-history.json" \
    --build-dir "$ctestdir" > /dev/null || true
  declare -A t=([alone]="" [warm]="" [cold]="" [xargs]="" [ctest]="" [ppctest]="")
  for round in $(seq "$rounds"); do
    t[alone]+="$(elapsed "$bin") "
    t[warm]+="$(elapsed pp_batch --history "$history" "$bin") "
    rm -f "$work/cold".*
    t[cold]+="$(elapsed pp_batch --history "$work/cold.json" "$bin") "
    t[xargs]+="$(elapsed xargs -P2 -I{} "$bin" --gtest_filter={} < "$tests") "
    t[ctest]+="$(elapsed ctest -j2 --test-dir "$ctestdir") "
    t[ppctest]+="$(elapsed "$pp" ctest -j2 --no-progress --batch auto \
      --history "$work/$name.ctest-history.json" --build-dir "$ctestdir") "
  done
  local a w c x ct pc
  a=$(echo "${t[alone]}" | median); w=$(echo "${t[warm]}" | median)
  c=$(echo "${t[cold]}" | median); x=$(echo "${t[xargs]}" | median)
  ct=$(echo "${t[ctest]}" | median); pc=$(echo "${t[ppctest]}" | median)
  echo "== $label, $(wc -l < "$tests") tests"
  printf "  | program alone | procpool gtest --batch auto, warm | cold | xargs floor | ctest -j2 | procpool ctest -j2 --batch auto |\n"
  printf "  | %.3f s | %.3f s (%.2fx) | %.3f s (%.2fx) | %.3f s | %.3f s | %.3f s (%.3fx ctest) |\n" \
    "$a" "$w" "$(ratio "$w" "$a")" "$c" "$(ratio "$c" "$a")" "$x" "$ct" "$pc" "$(ratio "$pc" "$ct")"
}

export FIXTURE_WORK_US=1000
measure fixture "fixture_many, 1 ms of CPU per test" "$build/tests/fixture_many"
unset FIXTURE_WORK_US
[ -n "$binary" ] && measure program "$(basename "$binary")" "$binary"
echo "machine: $(nproc) cores, $(uname -r); $rounds rounds interleaved; medians of wall seconds"
