#!/usr/bin/env python3
"""Azure Blob Storage (on Azurite) against local disk, same data, same run:
  - commit latency: tests/tools/delta_append commits small appends to one table (p50/p99 ms);
  - end to end: `jsm run --until-drained` of the same input into each lakehouse (wall time,
    rows/s, and the p50/max of the per-commit seconds each stage logs);
  - reads: bytes downloaded, responses and wall time of `jsm table show` commands on the Azurite
    lakehouse, measured by a byte-counting relay in front of Azurite; with --baseline-jsm, the
    same commands by another jsm binary (e.g. one without ranged Parquet reads) for comparison.
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

from byte_counting_proxy import ByteCountingProxy

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


def pipeline_run(lakehouse, env, source, binary=JSM):
    """Wall seconds, reconciliation text and per-stage commit seconds of one `jsm run --until-drained`."""
    started = time.monotonic()
    proc = subprocess.run([binary, "run", *source, "--until-drained", "--lakehouse", lakehouse], env=env,
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


READS = [
    ("table show silver/pedidos --limit 20 (all columns)", ["table", "show", "silver/pedidos", "--limit", "20"]),
    ("table show silver/pedidos --limit 0 (all rows, all columns)",
     ["table", "show", "silver/pedidos", "--limit", "0", "--format", "csv"]),
    ("table show silver/pedidos --columns country,quantity (all rows)",
     ["table", "show", "silver/pedidos", "--columns", "country,quantity", "--limit", "0", "--format", "csv"]),
    ("table show silver/pedidos --columns country,quantity --where \"country = 'France'\" (little printed)",
     ["table", "show", "silver/pedidos", "--columns", "country,quantity", "--where", "country = 'France'", "--limit",
      "0", "--format", "csv"]),
    ("table show silver/pedidos --where \"country = 'France'\" (all columns, little printed)",
     ["table", "show", "silver/pedidos", "--where", "country = 'France'", "--limit", "0", "--format", "csv"]),
    ("table show gold/daily_sales --limit 20", ["table", "show", "gold/daily_sales", "--limit", "20"]),
    ("table describe silver/pedidos", ["table", "describe", "silver/pedidos"]),
]


def measure_reads(binaries, lake, env, proxy, repeat):
    """Bytes downloaded through `proxy`, responses and best wall time of each READS command per binary."""
    delay = f", {proxy.latency * 1000:.0f} ms added to each response" if proxy.latency else ""
    if proxy.rate:
        delay += f", {proxy.rate / 1e6:.0f} MB/s per connection"
    print(f"reads from {lake} through a byte-counting relay (best of {repeat} for time{delay})")
    for title, args in READS:
        print(f"  {title}")
        for name, binary in binaries.items():
            best = None
            for _ in range(repeat):
                proxy.reset()
                started = time.monotonic()
                proc = subprocess.run([binary, *args, "--lakehouse", lake], env=env, capture_output=True, text=True)
                wall = time.monotonic() - started
                if proc.returncode != 0:
                    sys.exit(f"{binary} {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
                best = wall if best is None else min(best, wall)
                downloaded, responses = proxy.downloaded, proxy.responses
            print(f"    {name:10} {downloaded / 1e6:9.2f} MB downloaded  {responses:5d} responses  {best:7.3f} s"
                  f"  ({len(proc.stdout.splitlines())} lines printed)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", help="CSV file to replay (default: synthetic orders)")
    parser.add_argument("--synthetic", type=int, default=200000, help="synthetic orders when no --input")
    parser.add_argument("--commits", type=int, default=50, help="commits of the latency measurement")
    parser.add_argument("--rows", type=int, default=100, help="rows per latency commit")
    parser.add_argument("--baseline-jsm", help="another jsm binary whose reads to compare (e.g. a build of the "
                                               "commit before ranged Parquet reads)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each read command (best time printed)")
    parser.add_argument("--relay-latency-ms", type=float, action="append", default=None,
                        help="also measure the reads with this delay before each response (a remote account's "
                             "round trip); repeatable")
    parser.add_argument("--relay-mbytes-per-s", type=float, default=0,
                        help="with --relay-latency-ms: also cap each connection's download rate (MB/s)")
    parser.add_argument("--reads-only", action="store_true",
                        help="skip the commit-latency measurement (the end-to-end run still fills the lakehouse)")
    args = parser.parse_args()
    for tool in (JSM,) if args.reads_only else (JSM, DELTA_APPEND):
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
            if not args.reads_only:
                print(f"commit latency: {args.commits} commits of {args.rows} rows to one table (delta_append)")
                for name, root in places.items():
                    p50, p99 = commit_latency(root + "-latency", env, args.commits, args.rows)
                    print(f"  {name:32} p50 {p50:8.2f} ms   p99 {p99:8.2f} ms")
            print(f"end to end: jsm run {' '.join(source)} --until-drained")
            runs = [(name, root + "-pipeline", JSM) for name, root in places.items()]
            if args.baseline_jsm:
                runs.append((f"Azurite, baseline jsm", f"az://{container}/baseline-pipeline", args.baseline_jsm))
            for name, root, binary in runs:
                wall, produced, stages = pipeline_run(root, env, source, binary)
                per_stage = ", ".join(f"{stage} p50 {statistics.median(s) * 1000:.0f} ms max {max(s) * 1000:.0f} ms"
                                      f" ({len(s)} commits)" for stage, s in sorted(stages.items()))
                print(f"  {name:32} {wall:7.2f} s  {produced / wall:10.0f} rows/s   {per_stage}")
            for latency in [0.0] + (args.relay_latency_ms or []):
                measure_reads_through_relay(port, latency, env, container, args)
        finally:
            subprocess.run([str(ROOT / "deploy/azurite/down.sh")], env=script_env, capture_output=True)


def measure_reads_through_relay(port, latency, env, container, args):
    """measure_reads through a relay to Azurite on `port` that adds `latency` ms to each response
    (and, then, caps the download rate at --relay-mbytes-per-s)."""
    proxy = ByteCountingProxy(port, latency, args.relay_mbytes_per_s if latency else 0)
    try:
        # Through the environment, which every jsm version reads (a baseline may predate --config).
        read_env = dict(env, AZURE_STORAGE_CONNECTION_STRING=(
            f"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={ACCOUNT_KEY};"
            f"BlobEndpoint=http://127.0.0.1:{proxy.port}/devstoreaccount1;"))
        binaries = {"this jsm": JSM}
        if args.baseline_jsm:
            binaries["baseline"] = args.baseline_jsm
        measure_reads(binaries, f"az://{container}/lake-pipeline", read_env, proxy, args.repeat)
    finally:
        proxy.close()


if __name__ == "__main__":
    main()
