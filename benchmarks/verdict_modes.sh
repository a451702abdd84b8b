#!/usr/bin/env bash
# Every mode gives every test the verdict it has alone (issue 23), on real suites: runs each
# GoogleTest program with procpool gtest one process per test, then with --batch 1, 7, auto and
# one batch holding all, and lists every test whose verdict differs from its verdict alone, with
# the time each mode took. One difference is isolation's own, not a wrong verdict: a *brittle*
# test fails alone and passes after the tests that set its state up, so a batch holding them
# passes it (only failures are confirmed alone). Those are listed apart; the script then runs
# --find-order-dependence on their program, which must name each of them.
#   benchmarks/verdict_modes.sh [--build DIR] [--timeout S] [-- EXTRA_GTEST_ARGS] PROGRAM...
# Used on googletest's own test programs (built from /usr/src/googletest with
# -Dgtest_build_tests=ON) and leveldb's (apt-get source leveldb).
set -euo pipefail
build=$(cd "$(dirname "$0")/.." && pwd)/build
timeout=60
programs=()
while [ $# -gt 0 ]; do
  case $1 in
    --build) build=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --) shift; break ;;
    *) programs+=("$1"); shift ;;
  esac
done
[ ${#programs[@]} -gt 0 ] || { echo "verdict_modes.sh: name the programs" >&2; exit 2; }
pp=$build/procpool
[ -x "$pp" ] || { echo "verdict_modes.sh: missing $pp (build first)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

declare -A modes=([alone]="" [batch1]="--batch 1" [batch7]="--batch 7" [auto]="--batch auto"
                  [all]="--batch 1000000")
order="alone batch1 batch7 auto all"
total=0
differ=0
for program in "${programs[@]}"; do
  name=${program##*/}
  for mode in $order; do
    start=$(date +%s.%N)
    # shellcheck disable=SC2086
    (cd "$work" && "$pp" gtest -j2 --no-progress --timeout "$timeout" --history "$work/$name.history" \
      --json "$work/$name.$mode.json" ${modes[$mode]} "$program" "$@" > "$work/$name.$mode.log" 2>&1) || true
    echo "$(date +%s.%N) - $start" | bc -l > "$work/$name.$mode.seconds"
  done
  python3 - "$work" "$name" $order <<'PY' || differ=$((differ + 1))
import json, sys
work, name, modes = sys.argv[1], sys.argv[2], sys.argv[3:]
def verdicts(mode):
    try:
        doc = json.load(open(f"{work}/{name}.{mode}.json"))
    except (OSError, ValueError) as e:
        return None
    return {t["name"]: t["verdict"] for t in doc["tasks"]}
alone = verdicts("alone")
if alone is None:
    print(f"{name}: no report alone"); sys.exit(1)
times = {m: float(open(f"{work}/{name}.{m}.seconds").read()) for m in modes}
counts = {}
for v in alone.values(): counts[v] = counts.get(v, 0) + 1
bad, brittle = [], set()
failing = ("failed", "crashed", "timed_out")
for mode in modes[1:]:
    got = verdicts(mode) or {}
    for test, verdict in alone.items():
        mine = got.get(test)
        if mine == verdict or (verdict == "passed" and mine in ("order_dependent", "flaky")):
            continue
        if verdict in failing and mine == "passed" and mode != "batch1":
            brittle.add(test)  # passes after others in its batch: isolation's own difference
        else:
            bad.append(f"{mode}: {test} {mine} (alone: {verdict})")
    for test in got:
        if test not in alone: bad.append(f"{mode}: {test} not run alone")
summary = ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))
timing = " ".join(f"{m} {times[m]:.2f}s" for m in modes)
print(f"{name}: {len(alone)} tests ({summary}); {timing}; "
      + ("every verdict equal" if not bad else f"{len(bad)} differ")
      + (f"; {len(brittle)} brittle" if brittle else ""))
for line in bad[:20]: print("   ", line)
with open(f"{work}/{name}.brittle", "w") as out:
    for test in sorted(brittle): out.write(test + "\n")
sys.exit(1 if bad else 0)
PY
  if [ -s "$work/$name.brittle" ]; then
    # Each brittle test must be one the finder names (it fails alone, passes after others).
    (cd "$work" && "$pp" gtest --find-order-dependence --timeout "$timeout" --json "$work/$name.order.json" \
      "$program" "$@" > /dev/null 2>&1) || true
    python3 - "$work/$name.brittle" "$work/$name.order.json" <<'PY' || differ=$((differ + 1))
import json, sys
brittle = open(sys.argv[1]).read().split("\n")[:-1]
found = {d["test"]: d for d in json.load(open(sys.argv[2]))["order_dependence"]}
missing = [t for t in brittle if t not in found or found[t]["kind"] != "brittle"]
for t in brittle:
    if t in found: print(f"    brittle: {t}, by {', '.join(found[t]['by'])}")
for t in missing: print(f"    brittle in a batch, not found by --find-order-dependence: {t}")
sys.exit(1 if missing else 0)
PY
  fi
  total=$((total + 1))
done
echo "== $total programs, $differ with a verdict that differs from the verdict alone"
echo "machine: $(nproc) cores, $(uname -r)"
[ "$differ" -eq 0 ]
