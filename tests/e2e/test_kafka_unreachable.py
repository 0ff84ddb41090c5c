"""Brokers unreachable when `jsm` starts, against a REAL Apache Kafka broker
(deploy/kafka/, one KRaft node of this module's own, stopped and started by the tests):

- `jsm run --stage ingest --available-now` started while no broker listens waits,
  retrying with backoff and logging which brokers and when it retries, then proceeds
  when the broker comes back 15 s later: bronze holds every event exactly once, and
  nothing was written to the lakehouse while it waited;
- with `--connect-timeout` it gives up with a clear error and exit code 1 (ingest
  continuous or --available-now);
- `jsm topics ensure` and `jsm produce` against an unreachable broker fail with a
  clear error within their bound (--timeout, --connect-timeout).
Every wait polls with a deadline.
"""

import collections
import json
import os
import subprocess
import time

import deltalake
import pytest

from conftest import JSM, run_jsm
from e2e.kafka_fixture import free_port, start_real_kafka
from e2e.test_real_kafka import write_synthetic_csv

EVENTS = 5000
BROKER_DOWN_SECONDS = 15


@pytest.fixture(scope="module")
def kafka(tmp_path_factory):
    """One broker of this module's own (the tests stop and start it)."""
    if os.environ.get("JSM_TEST_KAFKA_BOOTSTRAP"):
        pytest.skip("these tests stop and start the broker: they need one of their own")
    cluster = start_real_kafka(tmp_path_factory.mktemp("kafka_unreachable"))
    try:
        yield cluster
    finally:
        cluster.stop()


def wait_until(predicate, timeout, what, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def log_records(text):
    """The JSON log lines of a jsm output."""
    records = []
    for line in text.splitlines():
        if line.startswith("{"):
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    return records


def files_under(path):
    return sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file()) if path.exists() else []


def test_ingest_waits_for_an_unreachable_broker_then_proceeds(kafka, tmp_path):
    topic = "unreachable-at-start"
    run_jsm("--log-level", "warn", "topics", "ensure", "--bootstrap", kafka.bootstrap, "--topic", topic,
            "--partitions", 3, timeout=120)
    orders = tmp_path / "orders.csv"
    write_synthetic_csv(orders, EVENTS)
    run_jsm("--log-level", "warn", "produce", "--bootstrap", kafka.bootstrap, "--topic", topic, "--input", orders,
            timeout=300)
    kafka.stop_all()

    lakehouse = tmp_path / "lakehouse"
    log_path = tmp_path / "ingest.log"
    with open(log_path, "w") as log:
        started = time.monotonic()
        proc = subprocess.Popen([JSM, "run", "--bootstrap", kafka.bootstrap, "--topic", topic, "--stage", "ingest",
                                 "--available-now", "--connect-timeout", "300", "--lakehouse", str(lakehouse)],
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            def retrying():
                return any(r.get("msg") == "ingest cannot start yet, retrying"
                           for r in log_records(log_path.read_text()))
            wait_until(lambda: retrying() or proc.poll() is not None, 60, "a retry log line")
            # Down for BROKER_DOWN_SECONDS in all: the process must keep waiting (polled, not slept).
            wait_until(lambda: time.monotonic() - started >= BROKER_DOWN_SECONDS or proc.poll() is not None,
                       BROKER_DOWN_SECONDS + 5, "the outage to last")
            assert proc.poll() is None, "ingest gave up while the broker was down:\n" + log_path.read_text()
            assert files_under(lakehouse) == [], "ingest wrote to the lakehouse before it reached a broker"
            kafka.start_all()
            back = time.monotonic()
            proc.wait(timeout=300)
            resumed_seconds = time.monotonic() - back
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    output = log_path.read_text()
    assert proc.returncode == 0, output
    retries = [r for r in log_records(output) if r.get("msg") == "ingest cannot start yet, retrying"]
    assert retries, output
    first = retries[0]
    assert first["brokers"] == kafka.bootstrap and first["wait_ms"] > 0 and first["gives_up_in_s"] > 0, first
    assert kafka.bootstrap in first["error"], first
    waits = [r["wait_ms"] for r in retries]
    print(f"broker down {BROKER_DOWN_SECONDS} s: {len(retries)} retries (waits {waits} ms); ingest finished "
          f"{resumed_seconds:.1f} s after the broker was back")
    assert any(r.get("msg") == "ingest connected" for r in log_records(output)), output

    bronze = deltalake.DeltaTable(str(lakehouse / "bronze" / "pedidos")).to_pyarrow_table()
    coords = collections.Counter(zip(bronze["partition"].to_pylist(), bronze["offset"].to_pylist()))
    assert bronze.num_rows == EVENTS and len(coords) == EVENTS, "events lost or ingested twice"
    per_partition = collections.defaultdict(list)
    for partition, offset in coords:
        per_partition[partition].append(offset)
    for offsets in per_partition.values():
        assert sorted(offsets) == list(range(len(offsets)))


@pytest.mark.parametrize("mode", [["--available-now"], []], ids=["available-now", "continuous"])
def test_ingest_gives_up_after_the_connect_timeout(tmp_path, mode):
    bootstrap = f"127.0.0.1:{free_port()}"  # nothing listens there
    lakehouse = tmp_path / "lakehouse"
    started = time.monotonic()
    proc = run_jsm("run", "--bootstrap", bootstrap, "--stage", "ingest", *mode, "--connect-timeout", 5,
                   "--lakehouse", lakehouse, check=False, timeout=120)
    seconds = time.monotonic() - started
    output = proc.stdout + proc.stderr
    print(f"ingest ({' '.join(mode) or 'continuous'}) gave up after {seconds:.1f} s (--connect-timeout 5)")
    assert proc.returncode == 1, output
    # One start attempt waits up to 10 s for a broker: the bound is the timeout plus that.
    assert 5 <= seconds < 5 + 10 + 10, output
    error = [line for line in proc.stderr.splitlines() if line.startswith("jsm: error")]
    assert error and "--connect-timeout" in error[-1] and bootstrap in error[-1], output
    assert "Connection refused" in error[-1] or "answered" in error[-1], error
    assert any(r.get("msg") == "ingest cannot start yet, retrying" for r in log_records(proc.stderr)), output
    assert files_under(lakehouse) == []


@pytest.mark.parametrize("command", ["topics ensure", "produce"])
def test_topics_and_produce_fail_within_their_bound_when_no_broker_answers(tmp_path, command):
    bootstrap = f"127.0.0.1:{free_port()}"
    args = {"topics ensure": ["topics", "ensure", "--bootstrap", bootstrap, "--timeout", 5],
            "produce": ["produce", "--bootstrap", bootstrap, "--synthetic", 10, "--connect-timeout", 5]}[command]
    started = time.monotonic()
    proc = run_jsm(*args, check=False, timeout=120)
    seconds = time.monotonic() - started
    print(f"{command} against no broker: exit {proc.returncode} after {seconds:.1f} s")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert 5 <= seconds < 15, proc.stderr
    error = [line for line in proc.stderr.splitlines() if line.startswith("jsm: error")]
    assert error and bootstrap in error[-1] and "answered within 5 s" in error[-1], proc.stderr
