#!/usr/bin/env python3
"""CPython's multiprocessing against procpool's library, in one run, same machine.

Measures, for both: Process start+join latency (fork), Pool(2).apply_async round trips per
second for a trivial task (submit 20,000, then get them all), Pool(2).map items per second
(1,000,000 ints). procpool's side is benchmarks/multiprocessing_bench.cpp (build/ by default).
   benchmarks/multiprocessing_compare.py [--bench PATH] [--rounds N]
"""
import argparse
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import time


def nothing():
    pass


def identity(x):
    return x


def cpython_figures():
    ctx = mp.get_context("fork")
    starts = 200
    t = time.perf_counter()
    for _ in range(starts):
        p = ctx.Process(target=nothing)
        p.start()
        p.join()
    start_join_ms = (time.perf_counter() - t) * 1000 / starts
    with ctx.Pool(2) as pool:
        pool.apply_async(identity, (0,)).get()
        tasks = 20000
        t = time.perf_counter()
        results = [pool.apply_async(identity, (i,)) for i in range(tasks)]
        for r in results:
            r.get()
        apply_per_s = tasks / (time.perf_counter() - t)
        items = list(range(1000000))
        t = time.perf_counter()
        pool.map(identity, items)
        map_per_s = len(items) / (time.perf_counter() - t)
    return {"process_start_join_ms": start_join_ms, "apply_async_per_s": apply_per_s,
            "map_items_per_s": map_per_s}


def procpool_figures(bench):
    out = subprocess.run([bench], check=True, capture_output=True, text=True).stdout
    return {name: float(value) for name, value in (line.split() for line in out.splitlines())}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument("--bench", default=os.path.join(here, "..", "build", "benchmarks",
                                                        "multiprocessing_bench"))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not os.access(args.bench, os.X_OK):
        sys.exit(f"multiprocessing_compare.py: no benchmark program at {args.bench} (build first)")
    py, pp = [], []
    for _ in range(args.rounds):  # interleaved, so noise hits both alike
        py.append(cpython_figures())
        pp.append(procpool_figures(args.bench))
    median = lambda runs, key: statistics.median(r[key] for r in runs)
    print(f"machine: {os.cpu_count()} cores, {os.uname().release}; CPython "
          f"{sys.version.split()[0]}; medians of {args.rounds} rounds")
    rows = [("Process start+join (ms)", "process_start_join_ms", "<= 0.1x", True),
            ("Pool(2).apply_async round trips/s", "apply_async_per_s", ">= 10x", False),
            ("Pool(2).map items/s", "map_items_per_s", ">= 1x", False)]
    for label, key, target, lower_is_better in rows:
        c, p = median(py, key), median(pp, key)
        print(f"{label}: CPython {c:,.3f} | procpool {p:,.3f} | procpool/CPython {p / c:.2f}x "
              f"(target {target})")


if __name__ == "__main__":
    main()
