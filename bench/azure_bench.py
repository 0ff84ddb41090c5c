#!/usr/bin/env python3
"""Azure Blob Storage (on Azurite) against local disk, same data, same run:
  - commit latency: tests/tools/delta_append commits small appends to one table (p50/p99 ms);
  - end to end: `jsm run --until-drained` of the same input into each lakehouse (wall time,
    rows/s, and the p50/max of the per-commit seconds each stage logs).
Azurite is started with deploy/azurite/up.sh on a free port and stopped at the end.
Figures are printed, never asserted; each run checks that it really wrote where it should."""

import argparse
import json
import os
import pathlib
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

ROOT = pathlib.Path(__file__).resolve().parent.parent
JSM = os.environ.get("JSM_BIN", str(ROOT / "build" / "jsm"))
DELTA_APPEND = os.environ.get("JSM_DELTA_APPEND", str(pathlib.Path(JSM).parent / "delta_append"))
ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def commit_latency(root, env, commits, rows):
    """p50/p99 commit latency (ms) of `commits` appends of `rows` rows to one table under `root`."""
    subprocess.run([DELTA_APPEND, "--root", root, "--table", "lat", "--commits", "0"], env=env, check=True,
                   capture_output=True)
    proc = subprocess.run([DELTA_APPEND, "--root", root, "--table", "lat", "--commits", str(commits), "--rows",
                           str(rows)], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"delta_append on {root} failed:\n{proc.stderr}")
    committed = sum(line.startswith("committed") for line in proc.stdout.splitlines())
    assert committed == commits, f"{committed} of {commits} commits ran on {root}"
    last = proc.stdout.strip().splitlines()[-1]  # commit latency ms p50=<x> p99=<y>
    fields = dict(part.split("=") for part in last.split()[3:])
    return float(fields["p50"]), float(fields["p99"])


def pipeline_run(lakehouse, env, source):
    """Wall seconds, reconciliation text and per-stage commit seconds of one `jsm run --until-drained`."""
    started = time.monotonic()
    proc = subprocess.run([JSM, "run", *source, "--until-drained", "--lakehouse", lakehouse], env=env,
                          capture_output=True, text=True)
    wall = time.monotonic() - started
    if proc.returncode != 0:
        sys.exit(f"jsm run into {lakehouse} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    if "balanced:" not in proc.stdout:
        sys.exit(f"jsm run into {lakehouse} did not balance:\n{proc.stdout[-3000:]}")
    stages = {}
    for line in (proc.stdout + proc.stderr).splitlines():
        if not line.startswith("{"):
            continue
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event.get("msg", "").endswith(" commit") and "seconds" in event:
            stages.setdefault(event["msg"].split()[0], []).append(float(event["seconds"]))
    books = proc.stdout.split("\nreconciliation\n", 1)[1]
    produced = int(next(l for l in books.splitlines() if l.strip().startswith("produced")).split()[-1])
    return wall, produced, stages


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", help="CSV file to replay (default: synthetic orders)")
    parser.add_argument("--synthetic", type=int, default=200000, help="synthetic orders when no --input")
    parser.add_argument("--commits", type=int, default=50, help="commits of the latency measurement")
    parser.add_argument("--rows", type=int, default=100, help="rows per latency commit")
    args = parser.parse_args()
    for tool in (JSM, DELTA_APPEND):
        if not os.path.exists(tool):
            sys.exit(f"{tool} is not built: cmake --build build --target jsm delta_append")
    if shutil.which("npm") is None:
        sys.exit("npm is not installed: Azurite cannot run")
    source = ["--input", args.input] if args.input and pathlib.Path(args.input).exists() else \
        ["--synthetic", str(args.synthetic)]
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        script_env = dict(os.environ, JSM_AZURITE_PORT=str(port), JSM_AZURITE_STATE_DIR=f"{tmp}/azurite")
        subprocess.run([str(ROOT / "deploy/azurite/up.sh")], env=script_env, check=True, capture_output=True)
        try:
            env = dict(os.environ, AZURE_STORAGE_CONNECTION_STRING=(
                f"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={ACCOUNT_KEY};"
                f"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;"))
            container = f"bench-{uuid.uuid4().hex[:10]}"
            places = {"local disk": f"{tmp}/local", f"Azurite (az://{container})": f"az://{container}/lake"}
            print(f"commit latency: {args.commits} commits of {args.rows} rows to one table (delta_append)")
            for name, root in places.items():
                p50, p99 = commit_latency(root + "-latency", env, args.commits, args.rows)
                print(f"  {name:32} p50 {p50:8.2f} ms   p99 {p99:8.2f} ms")
            print(f"end to end: jsm run {' '.join(source)} --until-drained")
            for name, root in places.items():
                wall, produced, stages = pipeline_run(root + "-pipeline", env, source)
                per_stage = ", ".join(f"{stage} p50 {statistics.median(s) * 1000:.0f} ms max {max(s) * 1000:.0f} ms"
                                      f" ({len(s)} commits)" for stage, s in sorted(stages.items()))
                print(f"  {name:32} {wall:7.2f} s  {produced / wall:10.0f} rows/s   {per_stage}")
        finally:
            subprocess.run([str(ROOT / "deploy/azurite/down.sh")], env=script_env, capture_output=True)


if __name__ == "__main__":
    main()
