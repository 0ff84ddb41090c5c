#!/usr/bin/env python3
"""Whole-pipeline benchmark: the real file (or synthetic orders) through the
embedded broker into a fresh lakehouse. Prints wall time from first produce to
gold, events/s per stage and peak memory. Figures are printed, never asserted."""

import argparse
import os
import pathlib
import re
import resource
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
JSM = os.environ.get("JSM_BIN", str(ROOT / "build" / "jsm"))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", help="CSV file to replay (default: synthetic orders)")
    parser.add_argument("--synthetic", type=int, default=500000, help="synthetic orders when no --input")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    source = ["--input", args.input] if args.input and pathlib.Path(args.input).exists() else \
        ["--synthetic", str(args.synthetic)]
    if args.input and source[0] != "--input":
        print(f"{args.input} is absent: benchmarking {args.synthetic} synthetic orders instead")
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            lakehouse = pathlib.Path(tmp) / "lakehouse"
            started = time.monotonic()
            proc = subprocess.run([JSM, "run", *source, "--until-drained", "--lakehouse", str(lakehouse)],
                                  capture_output=True, text=True)
            wall = time.monotonic() - started
            peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            if proc.returncode != 0:
                sys.exit(f"jsm run failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr[-3000:]}")
            books = proc.stdout.split("\nreconciliation\n", 1)[1]
            produced = int(re.search(r"produced\s+(\d+)", books).group(1))
            to_gold = float(re.search(r"first produce to gold\s+([\d.]+)", books).group(1))
            stages = {}
            # Per-stage work from the structured log lines.
            for line in proc.stderr.splitlines():
                m = re.search(r'"stage":"(\w+)".*?"(?:rows|rows_in)":(\d+).*"seconds":([\d.]+)', line)
                if m:
                    s = stages.setdefault(m.group(1), [0, 0.0])
                    s[0] += int(m.group(2))
                    s[1] += float(m.group(3))
            if produced == 0:
                sys.exit("the benchmark produced nothing: the measured path did not run")
            print(f"run {run + 1}: {produced} events, first produce to gold {to_gold:.2f} s "
                  f"({produced / to_gold:,.0f} events/s), process wall {wall:.2f} s, peak RSS {peak_kib / 1024:.0f} MiB")
            for name, (rows, seconds) in stages.items():
                rate = f"{rows / seconds:,.0f} rows/s in commits" if seconds > 0 else "n/a"
                print(f"  {name:10s} {rows:>10} rows, {seconds:6.2f} s busy committing batches, {rate}")


if __name__ == "__main__":
    main()
