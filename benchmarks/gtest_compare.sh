#!/usr/bin/env bash
# procpool gtest against the other ways to run a GoogleTest suite, in one run, same binaries:
#   - the xargs floor: one process per test via --gtest_filter, 2 at a time (gtest-parallel's
#     approach without its Python overhead),
#   - ctest -j2 over one add_test per test (what gtest_discover_tests generates), and
#     procpool ctest -j2 over the same CTest tree,
#   - the binary run serially in one process (no isolation at all).
# On a fixture of 500 fast tests and on a skewed-duration fixture (history warmed up first).
#   benchmarks/gtest_compare.sh [--rounds N] [--build DIR]
set -euo pipefail
# shellcheck source=timing.sh
source "$(dirname "$0")/timing.sh"
rounds=3
bench_options gtest_compare.sh "$@"
bench_require gtest_compare.sh "$pp" "$build/tests/fixture_many" "$build/tests/fixture_skewed"
bench_workdir

# A CTest directory with one test per gtest case, as gtest_discover_tests would register.
make_ctest_dir() {
  local bin=$1 dir=$2
  mkdir -p "$dir"
  list_tests "$bin" | awk -v bin="$bin" '{ printf "add_test([=[%s]=] \"%s\" \"--gtest_filter=%s\")\n", $0, bin, $0 }' \
    > "$dir/CTestTestfile.cmake"
}

echo "machine: $(nproc) cores, $(uname -r); $rounds rounds; medians of wall seconds"
for fixture in fixture_many fixture_skewed; do
  bin=$build/tests/$fixture
  list_tests "$bin" > "$work/$fixture.tests"
  make_ctest_dir "$bin" "$work/$fixture.ctest"
  history=$work/$fixture.history.json
  "$pp" gtest -j2 --no-progress --history "$history" "$bin" > /dev/null  # warm the history
  "$pp" ctest -j2 --no-progress --history "$work/$fixture.ctest-history.json" \
    --build-dir "$work/$fixture.ctest" > /dev/null  # warm its history too
  declare -A t=([procpool]="" [xargs]="" [ctest]="" [ppctest]="" [serial]="")
  for round in $(seq "$rounds"); do
    t[procpool]+="$(elapsed "$pp" gtest -j2 --no-progress --history "$history" "$bin") "
    t[xargs]+="$(elapsed xargs -P2 -I{} "$bin" --gtest_filter={} < "$work/$fixture.tests") "
    t[ctest]+="$(elapsed ctest -j2 --test-dir "$work/$fixture.ctest") "
    t[ppctest]+="$(elapsed "$pp" ctest -j2 --no-progress --history "$work/$fixture.ctest-history.json" --build-dir "$work/$fixture.ctest") "
    t[serial]+="$(elapsed "$bin") "
  done
  p=$(echo "${t[procpool]}" | median); x=$(echo "${t[xargs]}" | median)
  c=$(echo "${t[ctest]}" | median); s=$(echo "${t[serial]}" | median)
  pc=$(echo "${t[ppctest]}" | median)
  n=$(wc -l < "$work/$fixture.tests")
  printf "%s (%d tests): procpool gtest -j2 %.3f s | xargs floor %.3f s | ctest -j2 %.3f s | serial in-process %.3f s\n" \
    "$fixture" "$n" "$p" "$x" "$c" "$s"
  printf "  procpool/xargs-floor %.2fx (target <= 1.0x), procpool/ctest %.2fx\n" \
    "$(echo "$p / $x" | bc -l)" "$(echo "$p / $c" | bc -l)"
  printf "  procpool ctest -j2 %.3f s: procpool-ctest/ctest %.2fx (target <= 0.8x)\n" \
    "$pc" "$(echo "$pc / $c" | bc -l)"
  if [ "$fixture" = fixture_skewed ]; then
    # The ideal for 2 slots: max(total/2, longest), from the recorded durations.
    ideal=$(python3 -c "
import json; d = json.load(open('$history'))['tests'].values()
s = [e['seconds'] for e in d]; print(max(sum(s) / 2, max(s)))")
    printf "  ideal max(total/j, longest) %.3f s: procpool/ideal %.2fx (target <= 1.05x)\n" \
      "$ideal" "$(echo "$p / $ideal" | bc -l)"
  fi
done
