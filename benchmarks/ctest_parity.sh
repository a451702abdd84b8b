#!/bin/sh
# ctest vs procpool ctest on a real build tree, test by test, repeated: every test's verdict
# (ctest's from its --output-junit file, procpool's from --json), and both wall times.
#   benchmarks/ctest_parity.sh BUILD_DIR [RUNS] [JOBS] [-- EXTRA_CTEST_ARGS...]
# Prints one line per run: "run N: ctest X s, procpool Y s (ratio), differences: D", then every
# test whose verdicts differ. Exit 1 when any run differs.
set -eu
build=$(cd "$1" && pwd); runs=${2:-3}; jobs=${3:-2}
shift $(( $# < 3 ? $# : 3 ))
[ "${1:-}" = "--" ] && shift
here=$(cd "$(dirname "$0")/.." && pwd)
procpool=${PROCPOOL:-$here/build/procpool}
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
status=0
now() { date +%s.%N; }
for run in $(seq "$runs"); do
  t0=$(now); (cd "$build" && ctest -j"$jobs" --output-junit "$out/ctest.xml" "$@" >"$out/ctest.log" 2>&1) || true
  t1=$(now); "$procpool" ctest --test-dir "$build" -j"$jobs" --no-progress --history "$out/history.json" \
    --json "$out/procpool.json" "$@" >"$out/procpool.log" 2>&1 || true
  t2=$(now)
  python3 - "$out" "$run" "$t0" "$t1" "$t2" <<'PY' || status=1
import json, sys, xml.etree.ElementTree as ET
out, run, t0, t1, t2 = sys.argv[1], sys.argv[2], *map(float, sys.argv[3:])
ctest = {}
for case in ET.parse(out + "/ctest.xml").getroot().iter("testcase"):
    status = case.get("status")
    skip = case.find("skipped")
    message = skip.get("message", "") if skip is not None else ""
    verdict = {"run": "passed", "fail": "failed"}.get(status, status)
    if status == "notrun":
        verdict = "skipped" if message.startswith("SKIP_") else "not_run: " + message
    ctest[case.get("name")] = verdict
procpool, records = {}, {}
for task in json.load(open(out + "/procpool.json"))["tasks"]:
    records[task["name"]] = task
    verdict = task["verdict"]
    if verdict in ("crashed", "timed_out", "failed_to_start"): verdict = "failed"
    if verdict == "not_run": verdict += ": " + task.get("message", "")
    procpool[task["name"]] = verdict
diff = sorted(n for n in set(ctest) | set(procpool) if ctest.get(n) != procpool.get(n))
c, p = t1 - t0, t2 - t1
print(f"run {run}: {len(ctest)} tests; ctest {c:.2f} s, procpool {p:.2f} s ({p / c:.2f}x); "
      f"differences: {len(diff)}")
for n in diff:
    print(f"  {n}: ctest {ctest.get(n)}, procpool {procpool.get(n)}")
    task = records.get(n, {})
    for key in ("message", "stdout", "stderr"):
        if task.get(key): print(f"    {key}: {task[key][-500:]!r}")
sys.exit(1 if diff else 0)
PY
done
exit $status
