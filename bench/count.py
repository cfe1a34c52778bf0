#!/usr/bin/env python3
"""Instructions each engine executes in the benchmark, counted by callgrind.

    bench/count.py BINARY [KERNEL...]

Runs the benchmark binary (`cargo bench --manifest-path bench/Cargo.toml --no-run` prints
its path) under `valgrind --tool=callgrind` with `BENCH_RUNS=1`, once per kernel filter
(default: every row of the table), and sums each function's own instructions by engine:
functions of `wasmcade::` are ours, of `wasmi::` wasmi's; the code both use (the C
library's `memmove`, the allocator, the harness) is counted for neither. Prints millions
per engine and their ratio. Counts are stable from run to run, unlike times.
"""

import os
import re
import subprocess
import sys
import tempfile

KERNELS = ["fib", "sieve", "matmul", "hash", "bits64", "brtable", "indirect", "copy", "tailcall", "lz", "rocket"]


def engine(symbol):
    if symbol.startswith("vs_wasmi::"):
        return None
    ours = re.search(r"\bwasmcade::", symbol) is not None
    theirs = re.search(r"\bwasmi::", symbol) is not None
    if ours and not theirs:
        return "wasmcade"
    if theirs and not ours:
        return "wasmi"
    return None


def count(binary, kernel):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        env = dict(os.environ, BENCH_RUNS="1")
        subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", binary, kernel],
            env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        text = subprocess.run(
            ["callgrind_annotate", "--auto=no", "--inclusive=no", "--threshold=100", out],
            check=True, capture_output=True, text=True,
        ).stdout
    totals = {"wasmcade": 0, "wasmi": 0}
    for line in text.splitlines():
        m = re.match(r"\s*([\d,]+) \([ \d.]+%\)\s+(\S[^:]*):(.*?)(?: \[.*\])?$", line)
        if not m or m.group(2) == "PROGRAM TOTALS":
            continue
        side = engine(m.group(3))
        if side:
            totals[side] += int(m.group(1).replace(",", ""))
    return totals


def main():
    binary, kernels = sys.argv[1], sys.argv[2:] or KERNELS
    print(f"{'kernel':<10} {'wasmcade M':>11} {'wasmi M':>9} {'ratio':>7}")
    ratios = []
    for kernel in kernels:
        t = count(binary, kernel)
        ratio = t["wasmcade"] / t["wasmi"]
        ratios.append(ratio)
        print(f"{kernel:<10} {t['wasmcade'] / 1e6:>11,.0f} {t['wasmi'] / 1e6:>9,.0f} {ratio:>7.3f}", flush=True)
    mean = 1.0
    for r in ratios:
        mean *= r
    print(f"{'geomean':<10} {'':>11} {'':>9} {mean ** (1 / len(ratios)):>7.3f}")


if __name__ == "__main__":
    main()
