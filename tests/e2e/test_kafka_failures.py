"""Consumer-group ingest and failures against a REAL Apache Kafka cluster of three
KRaft nodes (deploy/kafka/, replication factor 3, min.insync.replicas 2), started
once for this module:

- two `jsm run --stage ingest` processes in one consumer group; one is SIGKILLed
  mid-stream; the other takes its partitions; bronze, then silver, hold every event
  exactly once;
- partitions added to the topic while ingest runs are ingested;
- one broker stopped mid-stream: the pipeline goes on, nothing is lost;
- all brokers down for 30 s, then back: the pipeline waits and resumes, nothing is
  lost, nothing is dead-lettered.

Input: synthetic orders in the real file's format (tests/e2e/test_real_kafka.py's
generator), produced at a bounded rate with `jsm produce --rate` so that the
failures happen while events are still arriving. Every wait polls with a deadline.
"""

import collections
import os
import re
import signal
import subprocess
import time

import deltalake
import pytest

from conftest import JSM, run_jsm
from e2e import order_reference
from e2e.kafka_fixture import start_real_kafka
from e2e.test_real_kafka import kafka_partitions, write_synthetic_csv

# Generous deadlines: CI and the development machine are small and shared.
INGEST_DEADLINE = 150


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Three brokers for this module (stopped and started by the tests)."""
    if os.environ.get("JSM_TEST_KAFKA_BOOTSTRAP"):
        pytest.skip("these tests stop and start brokers: they need a cluster of their own")
    kafka = start_real_kafka(tmp_path_factory.mktemp("kafka3"), brokers=3)
    print(f"3-broker cluster ready in {kafka.start_seconds:.1f} s")
    try:
        yield kafka
    finally:
        kafka.stop()


class Background:
    """A `jsm` process in the background, its output in a file."""

    def __init__(self, args, log_path):
        self.log_path = log_path
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen([JSM, *map(str, args)], stdout=self.log, stderr=subprocess.STDOUT)

    def alive(self):
        return self.proc.poll() is None

    def kill(self):
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self, timeout=60):
        """SIGTERM (what Ctrl-C does: commit what is read, leave the group), then wait."""
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode

    def output(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()


@pytest.fixture
def processes():
    """Background processes of a test, always stopped at its end."""
    started = []
    yield started
    for p in started:
        p.kill() if p.alive() else None
        if not p.log.closed:
            p.log.close()


def write_config(path, group):
    """A pipeline config: its own consumer group, and a short session timeout so a
    killed member's partitions move within seconds (Kafka's default is 45 s)."""
    path.write_text(f"""[kafka]
group_id = "{group}"
[kafka.properties]
"session.timeout.ms" = "6000"
"heartbeat.interval.ms" = "1000"
[ingest]
commit_interval_ms = 500
""")
    return path


def ensure_topic(bootstrap, topic, partitions=6):
    run_jsm("--log-level", "warn", "topics", "ensure", "--bootstrap", bootstrap, "--topic", topic,
            "--partitions", partitions, "--replication-factor", 3, "--min-insync-replicas", 2, timeout=120)


def bronze_coordinates(lakehouse):
    """(partition, offset) of every bronze row, or [] before the table exists."""
    path = lakehouse / "bronze" / "pedidos"
    if not (path / "_delta_log").exists():
        return []
    table = deltalake.DeltaTable(str(path)).to_pyarrow_table(columns=["partition", "offset"])
    return list(zip(table["partition"].to_pylist(), table["offset"].to_pylist()))


def wait_until(predicate, timeout, what, interval=0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def assert_bronze_exact(lakehouse, produced, partitions):
    """Every produced event once: dense offsets 0..n-1 in each partition, no duplicate."""
    coords = bronze_coordinates(lakehouse)
    counts = collections.Counter(coords)
    duplicates = [c for c, n in counts.items() if n > 1]
    assert not duplicates, f"{len(duplicates)} (partition, offset) pairs in bronze twice, e.g. {duplicates[:5]}"
    assert len(coords) == produced, f"bronze holds {len(coords)} of {produced} events"
    per_partition = collections.defaultdict(list)
    for partition, offset in coords:
        per_partition[partition].append(offset)
    assert set(per_partition) <= set(range(partitions))
    for partition, offsets in per_partition.items():
        assert sorted(offsets) == list(range(len(offsets))), f"partition {partition} has gaps"


def assert_silver_exact(lakehouse, csv_path):
    silver = deltalake.DeltaTable(str(lakehouse / "silver" / "pedidos")).to_pyarrow_table()
    expected = collections.Counter(order_reference.distinct_rows(csv_path))
    # The event's own spelling: product_name is canonical per ProductNo (docs/normalization.md), and two
    # synthetic streams of different seeds name one ProductNo differently.
    spelling = [raw if raw is not None else name for raw, name in
                zip(silver["product_name_raw"].to_pylist(), silver["product_name"].to_pylist())]
    got = collections.Counter(zip(
        silver["transaction_no"].to_pylist(), silver["order_date"].to_pylist(), silver["product_no"].to_pylist(),
        spelling, silver["unit_price"].to_pylist(), silver["quantity"].to_pylist(),
        silver["customer_no"].to_pylist(), silver["country"].to_pylist()))
    assert got == expected, f"silver differs: {sum((got - expected).values())} extra, " \
                            f"{sum((expected - got).values())} missing"


def dead_letter_count(bootstrap, topic):
    """Messages in `topic`.dlq, as kcat (not our code) reads them."""
    kcat = "kcat" if subprocess.run(["which", "kcat"], capture_output=True).returncode == 0 else "kafkacat"
    proc = subprocess.run([kcat, "-C", "-b", bootstrap, "-t", topic + ".dlq", "-o", "beginning", "-e", "-q",
                           "-f", "x\n"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.count("x")


def produce(bootstrap, topic, csv_path, rate, log_path):
    return Background(["--log-level", "warn", "produce", "--bootstrap", bootstrap, "--topic", topic,
                       "--input", csv_path, "--rate", rate], log_path)


def wait_produced(producer, count, timeout=300):
    producer.proc.wait(timeout=timeout)
    out = producer.output()
    assert producer.proc.returncode == 0, out[-3000:]
    delivered = re.search(r"delivered (\d+) events", out)
    assert delivered and int(delivered.group(1)) == count, out[-3000:]


def run_available_now(bootstrap, topic, config, lakehouse):
    """The whole pipeline over what the topic holds: bronze is complete, so this
    only refines and aggregates (its ingest, a group member, finds nothing new)."""
    return run_jsm("--log-level", "warn", "run", "--config", config, "--bootstrap", bootstrap, "--topic", topic,
                   "--available-now", "--lakehouse", lakehouse, timeout=600)


def test_a_killed_group_member_s_partitions_move_to_the_other_and_nothing_is_lost_or_doubled(
        cluster, tmp_path, processes):
    topic, count = "group-kill", 40000
    csv_path = tmp_path / "orders.csv"
    write_synthetic_csv(csv_path, count, seed=11)
    ensure_topic(cluster.bootstrap, topic)
    config = write_config(tmp_path / "pipeline.toml", "kill-test")
    lakehouse = tmp_path / "lakehouse"
    ingest = ["run", "--config", config, "--bootstrap", cluster.bootstrap, "--topic", topic, "--stage", "ingest",
              "--lakehouse", lakehouse]
    a = Background(ingest, tmp_path / "a.log")
    b = Background(ingest, tmp_path / "b.log")
    processes += [a, b]
    wait_until(lambda: "partitions assigned" in a.output() and "partitions assigned" in b.output(), 90,
               "both members to join the group")
    producer = produce(cluster.bootstrap, topic, csv_path, 3000, tmp_path / "produce.log")
    processes.append(producer)
    # Kill one member once both have committed some rows of their own.
    wait_until(lambda: a.output().count('"bronze commit"') >= 2 and b.output().count('"bronze commit"') >= 2,
               90, "both members to commit to bronze")
    a.kill()
    assert producer.alive(), "the stream ended before the kill: raise the event count or lower the rate"
    wait_produced(producer, count)
    wait_until(lambda: len(bronze_coordinates(lakehouse)) >= count, INGEST_DEADLINE,
               "the survivor to ingest every event")
    assert b.stop() == 0, b.output()[-3000:]
    survivor = b.output()
    assert len(re.findall(r'"partitions assigned"', survivor)) >= 2, "the survivor never took over partitions"
    assert_bronze_exact(lakehouse, count, 6)
    run_available_now(cluster.bootstrap, topic, config, lakehouse)
    assert_silver_exact(lakehouse, csv_path)


def test_two_available_now_members_both_exit_zero_and_cover_every_partition(cluster, tmp_path, processes):
    topic, count = "group-available-now", 30000
    csv_path = tmp_path / "orders.csv"
    write_synthetic_csv(csv_path, count, seed=12)
    ensure_topic(cluster.bootstrap, topic)
    run_jsm("--log-level", "warn", "produce", "--bootstrap", cluster.bootstrap, "--topic", topic, "--input", csv_path,
            timeout=300)
    config = write_config(tmp_path / "pipeline.toml", "available-now-test")
    lakehouse = tmp_path / "lakehouse"
    args = ["run", "--config", config, "--bootstrap", cluster.bootstrap, "--topic", topic, "--stage", "ingest",
            "--available-now", "--lakehouse", lakehouse]
    a = Background(args, tmp_path / "a.log")
    b = Background(args, tmp_path / "b.log")
    processes += [a, b]
    for member in (a, b):
        member.proc.wait(timeout=INGEST_DEADLINE)
        assert member.proc.returncode == 0, member.output()[-3000:]
    assert_bronze_exact(lakehouse, count, 6)


def test_partitions_added_while_running_are_ingested(cluster, tmp_path, processes):
    topic = "group-grow"
    ensure_topic(cluster.bootstrap, topic, partitions=2)
    config = write_config(tmp_path / "pipeline.toml", "grow-test")
    lakehouse = tmp_path / "lakehouse"
    ingest = Background(["run", "--config", config, "--bootstrap", cluster.bootstrap, "--topic", topic,
                         "--stage", "ingest", "--lakehouse", lakehouse], tmp_path / "ingest.log")
    processes.append(ingest)
    wait_until(lambda: "partitions assigned" in ingest.output(), 90, "the member to join")
    first = tmp_path / "first.csv"
    write_synthetic_csv(first, 2000, seed=13)
    run_jsm("--log-level", "warn", "produce", "--bootstrap", cluster.bootstrap, "--topic", topic, "--input", first,
            timeout=300)
    wait_until(lambda: len(bronze_coordinates(lakehouse)) >= 2000, INGEST_DEADLINE, "the first events")
    # Grow the topic to 5 partitions with the admin API (CreatePartitions) while ingest runs.
    run_jsm("--log-level", "warn", "topics", "ensure", "--bootstrap", cluster.bootstrap, "--topic", topic,
            "--partitions", 5, "--replication-factor", 3, "--min-insync-replicas", 2, "--apply", timeout=120)
    assert kafka_partitions(cluster.bootstrap, topic) == 5
    wait_until(lambda: re.search(r'"partitions assigned".*"partition":4', ingest.output()) is not None, 90,
               "the new partitions to be assigned (metadata refresh, then a rebalance)")
    second = tmp_path / "second.csv"
    write_synthetic_csv(second, 6000, seed=14)
    run_jsm("--log-level", "warn", "produce", "--bootstrap", cluster.bootstrap, "--topic", topic, "--input", second,
            timeout=300)
    wait_until(lambda: len(bronze_coordinates(lakehouse)) >= 8000, INGEST_DEADLINE, "the events of every partition")
    assert ingest.stop() == 0, ingest.output()[-3000:]
    assert_bronze_exact(lakehouse, 8000, 5)
    assert {p for p, _ in bronze_coordinates(lakehouse)} >= {2, 3, 4}, "nothing read from the added partitions"


def test_one_broker_stopped_mid_stream_the_pipeline_goes_on_and_loses_nothing(cluster, tmp_path, processes):
    topic, count = "broker-down", 40000
    csv_path = tmp_path / "orders.csv"
    write_synthetic_csv(csv_path, count, seed=15)
    ensure_topic(cluster.bootstrap, topic)
    config = write_config(tmp_path / "pipeline.toml", "broker-down-test")
    lakehouse = tmp_path / "lakehouse"
    pipeline = Background(["run", "--config", config, "--bootstrap", cluster.bootstrap, "--topic", topic,
                           "--lakehouse", lakehouse], tmp_path / "pipeline.log")
    processes.append(pipeline)
    wait_until(lambda: "partitions assigned" in pipeline.output(), 90, "the pipeline to join its group")
    producer = produce(cluster.bootstrap, topic, csv_path, 3000, tmp_path / "produce.log")
    processes.append(producer)
    wait_until(lambda: len(bronze_coordinates(lakehouse)) >= 3000, 90, "the first events in bronze")
    stopped = 2
    cluster.stop_node(stopped)
    try:
        assert producer.alive(), "the stream ended before the broker stopped"
        wait_produced(producer, count)
        wait_until(lambda: len(bronze_coordinates(lakehouse)) >= count, INGEST_DEADLINE,
                   "every event in bronze with a broker down")
        assert pipeline.alive(), pipeline.output()[-3000:]
    finally:
        cluster.start_node(stopped)
    assert pipeline.stop() == 0, pipeline.output()[-3000:]
    assert_bronze_exact(lakehouse, count, 6)
    run_available_now(cluster.bootstrap, topic, config, lakehouse)
    assert_silver_exact(lakehouse, csv_path)
    assert dead_letter_count(cluster.bootstrap, topic) == 0


def test_all_brokers_down_for_30_s_the_pipeline_waits_and_resumes(cluster, tmp_path, processes):
    topic, first_count, second_count = "all-down", 10000, 10000
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    write_synthetic_csv(first, first_count, seed=16)
    write_synthetic_csv(second, second_count, seed=17)
    ensure_topic(cluster.bootstrap, topic)
    config = write_config(tmp_path / "pipeline.toml", "all-down-test")
    lakehouse = tmp_path / "lakehouse"
    pipeline = Background(["run", "--config", config, "--bootstrap", cluster.bootstrap, "--topic", topic,
                           "--lakehouse", lakehouse], tmp_path / "pipeline.log")
    processes.append(pipeline)
    wait_until(lambda: "partitions assigned" in pipeline.output(), 90, "the pipeline to join its group")
    run_jsm("--log-level", "warn", "produce", "--bootstrap", cluster.bootstrap, "--topic", topic, "--input", first,
            timeout=300)
    wait_until(lambda: len(bronze_coordinates(lakehouse)) >= first_count, INGEST_DEADLINE, "the first events")
    # SIGKILL: a SIGTERM to every node at once makes the last one wait ~30 s in its
    # controlled shutdown for controllers that are gone.
    cluster.stop_all(kill=True)
    down_at = time.monotonic()
    try:
        while time.monotonic() - down_at < 30:
            assert pipeline.alive(), "the pipeline gave up while the brokers were down:\n" + pipeline.output()[-3000:]
            time.sleep(1)
    finally:
        cluster.start_all()
    assert pipeline.alive(), pipeline.output()[-3000:]
    assert '"transient failure, retrying"' in pipeline.output(), "the outage was not noticed (or not logged)"
    run_jsm("--log-level", "warn", "produce", "--bootstrap", cluster.bootstrap, "--topic", topic, "--input", second,
            timeout=300)
    total = first_count + second_count
    wait_until(lambda: len(bronze_coordinates(lakehouse)) >= total, INGEST_DEADLINE,
               "the events produced after the outage")
    assert pipeline.stop() == 0, pipeline.output()[-3000:]
    assert_bronze_exact(lakehouse, total, 6)
    run_available_now(cluster.bootstrap, topic, config, lakehouse)
    both = tmp_path / "both.csv"
    lines = first.read_text().splitlines(keepends=True)
    both.write_text("".join(lines + second.read_text().splitlines(keepends=True)[1:]))
    assert_silver_exact(lakehouse, both)
    assert dead_letter_count(cluster.bootstrap, topic) == 0


def test_a_topic_that_does_not_exist_stops_ingest_at_once_with_a_clear_error(cluster, tmp_path):
    started = time.monotonic()
    proc = run_jsm("run", "--bootstrap", cluster.bootstrap, "--topic", "no-such-topic", "--stage", "ingest",
                   "--lakehouse", tmp_path / "lakehouse", check=False, timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "not_found" in proc.stderr and "no-such-topic" in proc.stderr, proc.stderr[-2000:]
    assert "retrying" not in proc.stderr, "a permanent failure was retried"
    assert time.monotonic() - started < 60
