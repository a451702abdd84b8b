#!/usr/bin/env bash
# What reading gtest's own result stream costs against reading its console, in one run, rounds
# interleaved: procpool gtest -j2 on a GoogleTest program, one process per test and --batch auto,
# with the default event source (the stream: a socket per process, which a test cannot forge)
# and with --events console (the console lines, the fallback).
# Target (issue 23): the stream costs no more than console parsing (ratio <= 1, within noise).
#   benchmarks/gtest_events.sh [--rounds N] [--build DIR] [--binary GTEST_PROGRAM]
set -euo pipefail
# shellcheck source=timing.sh
source "$(dirname "$0")/timing.sh"
rounds=5 binary=""
bench_options gtest_events.sh "$@"
bench_gtest_program gtest_events.sh

history=$work/history.json
pp_gtest() { "$pp" gtest -j2 --no-progress --history "$history" "$@"; }
pp_gtest "$bin" > /dev/null || true  # warm the history (batch sizes, longest first)
declare -A t=([stream]="" [console]="" [bstream]="" [bconsole]="")
for round in $(seq "$rounds"); do
  t[stream]+="$(elapsed pp_gtest "$bin") "
  t[console]+="$(elapsed pp_gtest --events console "$bin") "
  t[bstream]+="$(elapsed pp_gtest --batch auto "$bin") "
  t[bconsole]+="$(elapsed pp_gtest --batch auto --events console "$bin") "
done
n=$("$bin" --gtest_list_tests | grep -c '^  ')
s=$(echo "${t[stream]}" | median); c=$(echo "${t[console]}" | median)
bs=$(echo "${t[bstream]}" | median); bc_=$(echo "${t[bconsole]}" | median)
echo "== ${bin##*/}, $n tests, -j2"
printf "  one process per test: stream %.3f s | console %.3f s | stream/console %.3fx (%.2f ms per test more)\n" \
  "$s" "$c" "$(echo "$s / $c" | bc -l)" "$(echo "($s - $c) * 1000 * 2 / $n" | bc -l)"
printf "  --batch auto:         stream %.3f s | console %.3f s | stream/console %.3fx\n" \
  "$bs" "$bc_" "$(echo "$bs / $bc_" | bc -l)"
echo "machine: $(nproc) cores, $(uname -r); $rounds rounds; medians of wall seconds"
