"""Fast, safe restarts on a real Kafka broker with the default settings (docs/kafka.md, Fast restarts):
a `jsm run` restarted after a kill -9 ingests again within seconds (a static member takes its
partitions back instead of waiting out the dead member's 45 s session), and `--available-now`
joins no consumer group at all. Exactness is checked offset by offset."""

import signal
import subprocess
import time

import deltalake

from conftest import JSM, run_jsm, wait_for
from e2e.test_real_kafka import write_synthetic_csv


def bronze_offsets(lakehouse):
    path = lakehouse / "bronze" / "pedidos"
    if not (path / "_delta_log").exists():
        return []
    try:
        table = deltalake.DeltaTable(str(path)).to_pyarrow_table(columns=["partition", "offset"])
    except Exception:  # a commit being written: read again
        return []
    return list(zip(table["partition"].to_pylist(), table["offset"].to_pylist()))


def setup_topic(bootstrap, topic, tmp_path, count, seed):
    run_jsm("--log-level", "warn", "topics", "ensure", "--bootstrap", bootstrap, "--topic", topic, "--partitions", 3,
            "--replication-factor", 1, timeout=120)
    csv_path = tmp_path / f"orders-{seed}.csv"
    write_synthetic_csv(csv_path, count, seed=seed)
    run_jsm("--log-level", "warn", "produce", "--bootstrap", bootstrap, "--topic", topic, "--input", csv_path,
            timeout=300)


def config(tmp_path, group):
    path = tmp_path / "pipeline.toml"
    path.write_text(f'[kafka]\ngroup_id = "{group}"\n')  # Kafka's own timeouts: the defaults
    return path


def start_ingest(bootstrap, topic, cfg, lakehouse, log_path):
    log = open(log_path, "a")
    return subprocess.Popen([JSM, "run", "--stage", "ingest", "--config", str(cfg), "--bootstrap", bootstrap,
                             "--topic", topic, "--lakehouse", str(lakehouse)], stdout=log, stderr=subprocess.STDOUT)


def test_a_run_restarted_after_kill_9_ingests_again_within_seconds(real_kafka, tmp_path):
    topic, lakehouse = "fast-restart", tmp_path / "lakehouse"
    cfg = config(tmp_path, "fast-restart-test")
    setup_topic(real_kafka.bootstrap, topic, tmp_path, 3000, seed=31)
    first = start_ingest(real_kafka.bootstrap, topic, cfg, lakehouse, tmp_path / "first.log")
    try:
        wait_for(lambda: len(bronze_offsets(lakehouse)) == 3000, 120, "the first 3000 events in bronze")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    setup_topic(real_kafka.bootstrap, topic, tmp_path, 2000, seed=32)
    restarted_at = time.monotonic()
    second = start_ingest(real_kafka.bootstrap, topic, cfg, lakehouse, tmp_path / "second.log")
    try:
        wait_for(lambda: len(bronze_offsets(lakehouse)) == 5000, 120, "the next 2000 events in bronze")
        took = time.monotonic() - restarted_at
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=60)
    log = (tmp_path / "second.log").read_text()
    print(f"restart after kill -9 to every new event in bronze: {took:.1f} s")
    assert '"group_instance_id":"fast-restart-test-ingest-' in log, log[-3000:]
    # Before static membership: the dead member's 45 s session had to expire first.
    assert took < 15, f"{took:.1f} s from restart to bronze\n" + log[-3000:]
    offsets = bronze_offsets(lakehouse)
    assert len(offsets) == len(set(offsets)) == 5000, "nothing lost, nothing twice"


def test_available_now_joins_no_group(real_kafka, tmp_path):
    topic, lakehouse = "available-now-no-join", tmp_path / "lakehouse"
    setup_topic(real_kafka.bootstrap, topic, tmp_path, 2000, seed=33)
    cfg = config(tmp_path, "available-now-no-join")
    started = time.monotonic()
    proc = run_jsm("run", "--stage", "ingest", "--available-now", "--config", cfg, "--bootstrap", real_kafka.bootstrap,
                   "--topic", topic, "--lakehouse", lakehouse, timeout=300)
    took = time.monotonic() - started
    print(f"--available-now of 2000 events: {took:.2f} s")
    assert '"assignment":"explicit"' in proc.stderr, proc.stderr[-3000:]
    offsets = bronze_offsets(lakehouse)
    assert len(offsets) == len(set(offsets)) == 2000


def test_static_membership_false_makes_ingest_a_dynamic_member(real_kafka, tmp_path):
    topic, lakehouse = "dynamic-member", tmp_path / "lakehouse"
    setup_topic(real_kafka.bootstrap, topic, tmp_path, 1500, seed=34)
    cfg = tmp_path / "dynamic.toml"
    cfg.write_text('[kafka]\ngroup_id = "dynamic-member-test"\nstatic_membership = false\n')
    proc = start_ingest(real_kafka.bootstrap, topic, cfg, lakehouse, tmp_path / "dynamic.log")
    try:
        wait_for(lambda: len(bronze_offsets(lakehouse)) == 1500, 120, "1500 events in bronze")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    log = (tmp_path / "dynamic.log").read_text()
    assert '"assignment":"group"' in log and '"group_instance_id":null' in log, log[-3000:]
    assert proc.returncode == 0, log[-3000:]
