#!/usr/bin/env python3
"""Ingest benchmark against a REAL Apache Kafka broker: the order file (or synthetic
orders) produced once to a 6-partition topic, then `jsm run --stage ingest
--available-now` into a fresh lakehouse by one, then by two consumer processes of
one consumer group (the input is produced --copies times, so that the second
process joins the group while there is still plenty to read). Prints events/s and MB/s (message bytes) for each, both over
the whole wall time (process start, group join, reading, last commit) and between
the first and the last bronze commit. Figures are printed, never asserted.

Without --bootstrap it starts a one-node broker with deploy/kafka/up.sh on free
ports (state in a temporary directory) and stops it at the end."""

import argparse
import json
import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
JSM = os.environ.get("JSM_BIN", str(ROOT / "build" / "jsm"))
DEPLOY = ROOT / "deploy" / "kafka"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def jsm(*args, timeout=1800):
    proc = subprocess.run([JSM, *map(str, args)], capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        sys.exit(f"jsm {' '.join(map(str, args))} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr[-3000:]}")
    return proc


def commits(log_text):
    """The "bronze commit" log lines of one process, as dicts."""
    out = []
    for line in log_text.splitlines():
        if '"msg":"bronze commit"' in line:
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    return out


def stamp(entry):
    """Seconds of an ISO log time stamp (the date is the same within a run)."""
    clock = entry["ts"].split("T", 1)[1].rstrip("Z")
    h, m, s = clock.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def run_ingest(bootstrap, topic, consumers, work, label):
    lakehouse = work / f"lakehouse-{label}"
    config = work / f"{label}.toml"
    config.write_text(f'[kafka]\ngroup_id = "bench-{label}-{time.time_ns()}"\n')
    started = time.monotonic()
    procs = [subprocess.Popen([JSM, "run", "--config", str(config), "--bootstrap", bootstrap, "--topic", topic,
                               "--stage", "ingest", "--available-now", "--lakehouse", str(lakehouse)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
             for _ in range(consumers)]
    logs = [p.communicate(timeout=1800)[1] for p in procs]
    wall = time.monotonic() - started
    for p, log in zip(procs, logs):
        if p.returncode != 0:
            sys.exit(f"ingest process failed ({p.returncode}):\n{log[-3000:]}")
    entries = [e for log in logs for e in commits(log)]
    rows = sum(e["rows"] for e in entries)
    size = sum(e["bytes"] for e in entries)
    span = max(stamp(e) for e in entries) - min(stamp(e) - e["seconds"] - e["batch_age_ms"] / 1000 for e in entries)
    per_process = [sum(e["rows"] for e in commits(log)) for log in logs]
    print(f"{consumers} consumer process(es): {rows} events, {size / 1e6:.1f} MB in {wall:.2f} s wall "
          f"({rows / wall:,.0f} events/s, {size / 1e6 / wall:.1f} MB/s); first read to last commit {span:.2f} s "
          f"({rows / span:,.0f} events/s, {size / 1e6 / span:.1f} MB/s); rows per process {per_process}; "
          f"{len(entries)} commits")
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", help="CSV file to produce (default: synthetic orders)")
    parser.add_argument("--synthetic", type=int, default=500000, help="synthetic orders when no --input")
    parser.add_argument("--bootstrap", help="a running cluster (default: start one broker)")
    parser.add_argument("--copies", type=int, default=4,
                        help="produce the input this many times (a topic that takes one consumer a few seconds "
                             "gives the second time to join the group)")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    source = ["--input", args.input] if args.input and pathlib.Path(args.input).exists() else \
        ["--synthetic", str(args.synthetic)]
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp)
        env = None
        bootstrap = args.bootstrap
        if not bootstrap:
            port, controller = free_port(), free_port()
            env = dict(os.environ, JSM_KAFKA_PORT=str(port), JSM_KAFKA_CONTROLLER_PORT=str(controller),
                       JSM_KAFKA_STATE_DIR=str(work / "kafka"))
            started = time.monotonic()
            subprocess.run([str(DEPLOY / "up.sh"), "1"], env=env, check=True, capture_output=True, timeout=400)
            bootstrap = f"127.0.0.1:{port}"
            print(f"broker started at {bootstrap} in {time.monotonic() - started:.1f} s")
        try:
            topic = f"bench-ingest-{os.getpid()}"
            jsm("--log-level", "warn", "topics", "ensure", "--bootstrap", bootstrap, "--topic", topic)
            for _ in range(args.copies):
                started = time.monotonic()
                produced = jsm("--log-level", "warn", "produce", "--bootstrap", bootstrap, "--topic", topic, *source)
                print(f"produce: {produced.stdout.strip().splitlines()[-1]} ({time.monotonic() - started:.2f} s wall)")
            for run in range(args.runs):
                for consumers in (1, 2):
                    run_ingest(bootstrap, topic, consumers, work, f"{consumers}c-{run}")
        finally:
            if env is not None:
                subprocess.run([str(DEPLOY / "down.sh")], env=env, capture_output=True, timeout=120)


if __name__ == "__main__":
    main()
