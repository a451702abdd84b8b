#!/usr/bin/env bash
# CI sharding, measured (issue 14), each shard in a directory of its own as on CI machines:
#   1. balance: tests/fixtures/fixture_durations (60 tests, 10 ms to 0.94 s) in 4 shards, -j1,
#      one after another. Round "cold": no history, so the shards split by hash. Then
#      `procpool merge --history` folds the 4 shards' histories into one, and round "warm" runs
#      the 4 shards again from that merged history (split by duration). Printed: each round's
#      slowest shard / mean shard (target with the merged history: <= 1.1).
#   2. merge speed: two copies of tests/fixtures/fixture_huge (40,000 tests) in 8 shards of 5,000
#      (--batch auto), then `procpool merge` of the 8 reports into JSON, JUnit and a history
#      (target: under 1 s), next to python3 merely parsing the same 8 files, and the merged
#      verdicts compared with an unsharded run's, test by test.
#   benchmarks/shard_merge.sh [--rounds N] [--build DIR]
set -euo pipefail
# shellcheck source=timing.sh
source "$(dirname "$0")/timing.sh"
rounds=3
bench_options shard_merge.sh "$@"
bench_require shard_merge.sh "$pp" "$build/tests/fixture_durations" "$build/tests/fixture_huge"
bench_workdir

wall_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["wall_seconds"])' "$1"; }
# max/mean of the numbers given
spread() { printf '%s\n' "$@" | awk '{s+=$1; if ($1>m) m=$1} END {printf "%.3f", m/(s/NR)}'; }

echo "machine: $(nproc) cores, $(uname -r); $(date -u +%FT%TZ)"

# 1. Balance.
cp "$build/tests/fixture_durations" "$work/fixture_durations"
cold_spreads=() warm_spreads=()
for ((r = 1; r <= rounds; r++)); do
  rm -rf "$work/bal" && mkdir -p "$work/bal"
  for round in cold warm; do
    walls=() reports=() outs=()
    for k in 1 2 3 4; do
      d=$work/bal/$round-$k
      mkdir -p "$d"
      [ "$round" = warm ] && cp "$work/bal/merged-history.json" "$d/history.json"
      (cd "$d" && "$pp" gtest "$work/fixture_durations" -j1 --shard "$k/4" --history history.json \
        --history-out out.json --json report.json --no-progress > /dev/null)
      walls+=("$(wall_of "$d/report.json")")
      reports+=("$d/report.json")
      outs+=("$d/out.json")
    done
    if [ "$round" = cold ]; then
      "$pp" merge "${reports[@]}" --history-in "${outs[@]}" --history "$work/bal/merged-history.json" > /dev/null
      cold_spreads+=("$(spread "${walls[@]}")")
    else
      warm_spreads+=("$(spread "${walls[@]}")")
    fi
    echo "round $r $round: shard walls ${walls[*]} s; slowest/mean $(spread "${walls[@]}")"
  done
done
echo "balance: slowest/mean shard, median of $rounds: by hash (no history) $(printf '%s\n' "${cold_spreads[@]}" | median)," \
  "by the merged history $(printf '%s\n' "${warm_spreads[@]}" | median) (target <= 1.1)"

# 2. Merge speed and equality.
cd "$work"
cp "$build/tests/fixture_huge" huge_a
cp huge_a huge_b
"$pp" gtest ./huge_a ./huge_b --batch auto -j2 --history whole-history.json --json whole.json --no-progress > /dev/null
reports=()
for k in 1 2 3 4 5 6 7 8; do
  mkdir -p "s$k"
  (cd "s$k" && "$pp" gtest ../huge_a ../huge_b --batch auto -j2 --shard "$k/8" --history h.json \
    --json report.json --no-progress > /dev/null)
  reports+=("s$k/report.json")
done
merge_times=() parse_times=()
for ((r = 1; r <= rounds; r++)); do
  merge_times+=("$(elapsed "$pp" merge "${reports[@]}" --json merged.json --junit merged.xml --history merged-history.json)")
  parse_times+=("$(elapsed python3 -c 'import json,sys; [json.load(open(f)) for f in sys.argv[1:]]' "${reports[@]}")")
done
m=$(printf '%s\n' "${merge_times[@]}" | median)
p=$(printf '%s\n' "${parse_times[@]}" | median)
echo "merge of 8 shards x 5,000 tests (JSON + JUnit + history): median $m s (target < 1 s);" \
  "python3 only parsing the 8 reports: $p s; ratio $(echo "$m / $p" | bc -l | cut -c1-5)"
python3 - whole.json merged.json <<'EOF'
import json, sys
def verdicts(path):
    return {(t["binary"].split("/")[-1], t["name"]): t["verdict"] for t in json.load(open(path))["tasks"]}
whole, merged = verdicts(sys.argv[1]), verdicts(sys.argv[2])
differ = sum(1 for k in whole.keys() | merged.keys() if whole.get(k) != merged.get(k))
print(f"merged vs unsharded: {len(merged)} vs {len(whole)} tests, {differ} verdicts differ")
sys.exit(1 if differ or len(merged) != len(whole) else 0)
EOF
