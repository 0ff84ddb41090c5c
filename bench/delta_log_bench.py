#!/usr/bin/env python3
"""Delta log benchmark on local disk: a table of --commits commits (10,000 by
default; one add with stats each, one writer) through build/delta_tool
snapshot-bench. Prints the commit latency p50/p99 and the snapshot load time
from the JSON commits alone, from a checkpoint of the last version, and from a
checkpoint 9 commits behind. Figures are printed, never asserted."""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
JSM = os.environ.get("JSM_BIN", str(ROOT / "build" / "jsm"))
TOOL = os.environ.get("JSM_DELTA_TOOL", str(pathlib.Path(JSM).parent / "delta_tool"))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commits", type=int, default=10000)
    args = parser.parse_args()
    if not os.path.exists(TOOL):
        sys.exit(f"{TOOL} is absent: build the delta_tool target")
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run([TOOL, "snapshot-bench", tmp, str(args.commits)], capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"delta_tool snapshot-bench failed: {proc.stderr}")
        r = json.loads(proc.stdout)
    if r["commits"] != args.commits:
        sys.exit(f"the table has {r['commits']} commits, not {args.commits}: the measured path did not run")
    print(f"Delta log on local disk: {r['commits']} commits, {r['active_files']} active files at the end")
    print(f"  commit latency (one writer)        p50 {r['commit_p50_ms']:.2f} ms, p99 {r['commit_p99_ms']:.2f} ms")
    print(f"  snapshot load, JSON commits only   {r['load_json_only_ms']:.0f} ms")
    print(f"  checkpoint write                   {r['checkpoint_write_ms']:.0f} ms ({r['checkpoint_bytes'] / 1e6:.2f} MB)")
    print(f"  snapshot load, at a checkpoint     {r['load_at_checkpoint_ms']:.0f} ms")
    print(f"  snapshot load, checkpoint + 9      {r['load_checkpoint_plus_9_ms']:.0f} ms")


if __name__ == "__main__":
    main()
