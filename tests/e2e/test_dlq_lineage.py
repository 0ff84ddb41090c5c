"""Issue 4 gaps against a REAL Apache Kafka broker (tests/e2e/kafka_fixture.py, free ports):

- bronze keeps each message's Kafka headers (a JSON text column, read here with delta-rs); a
  bronze table written before the column (here by delta-rs) gains it by schema evolution;
- refine carries the replay lineage into the dead letters it makes of replayed events, so
  attempts count 1, 2, 3 in the letters' own headers and the letter is parked after
  max_attempts without `jsm dlq` reading the replayed messages back from the main topic;
- the dead-letter producer waits out a broker outage: letters whose deliveries failed while
  the broker was down are produced again, none lost, none sent twice.
"""

import json
import subprocess
import time

import deltalake
import pytest

from conftest import JSM, run_jsm
from e2e.kafka_fixture import start_real_kafka
from e2e.test_dlq_real_kafka import CONTRACT, TEXT_QUANTITY, jsm_dlq, kcat, pending, produce_raw
from e2e.test_dlq_real_kafka import read_dlq_with_kcat as read_dlq_with_kcat_as

REPLAY_HEADERS = ["dlq.replayed_from", "dlq.replayed_at", "dlq.previous_reason"]

GOOD = {"TransactionNo": "581482", "Date": "12/9/2019", "ProductNo": "22485",
        "Product": "Set Of 2 Wooden Market Crates", "Price": 21.47, "Quantity": 12, "CustomerNo": "17490",
        "Country": "United Kingdom"}


def read_dlq_with_kcat(bootstrap, topic):
    """[(key, value, {header: value})] of every message on `topic`, replay headers included, as kcat sees them."""
    return read_dlq_with_kcat_as(bootstrap, topic, CONTRACT + REPLAY_HEADERS)


def table_rows(lakehouse, path):
    return deltalake.DeltaTable(str(lakehouse / path)).to_pyarrow_table().to_pylist()


def headers_of(row):
    """A bronze row's headers column as {name: value} (None when the message had none)."""
    if row["headers"] is None:
        return None
    return {h["key"]: h.get("value") for h in json.loads(row["headers"])}


def test_replayed_letter_counts_attempts_from_bronze_headers_and_is_parked(real_kafka, tmp_path):
    bootstrap = real_kafka.bootstrap
    topic = "dlq-lineage"
    lakehouse = tmp_path / "lakehouse"
    run_jsm("--log-level", "warn", "topics", "ensure", "--bootstrap", bootstrap, "--topic", topic,
            "--partitions", "1", timeout=120)
    produce_raw(bootstrap, topic, [("581476", json.dumps(TEXT_QUANTITY)), ("581482", json.dumps(GOOD))])

    def run():
        run_jsm("--log-level", "warn", "run", "--bootstrap", bootstrap, "--topic", topic, "--available-now",
                "--lakehouse", lakehouse, timeout=300)

    run()
    for attempt in (2, 3):
        # Still invalid after the fix: Quantity becomes another text.
        out = jsm_dlq(bootstrap, lakehouse, "replay", "--set", f"Quantity=text{attempt}", topic=topic).stdout
        assert "replayed 1 to" in out, out
        run()

    # Bronze holds the replays with their lineage headers (the first message had none).
    bronze = sorted(table_rows(lakehouse, "bronze/pedidos"), key=lambda r: r["offset"])
    assert [r["offset"] for r in bronze] == [0, 1, 2, 3]
    assert headers_of(bronze[0]) is None and headers_of(bronze[1]) is None
    replays = [headers_of(r) for r in bronze[2:]]
    assert [h["dlq.attempts"] for h in replays] == ["2", "3"], replays
    assert all(h["dlq.original.offset"] == "0" and h["dlq.original.topic"] == topic for h in replays), replays
    assert json.loads(bronze[3]["value"])["Quantity"] == "text3"

    # The letters count themselves: attempts 1, 2, 3 in their own headers, each naming where
    # the event first arrived (offset 0) and, for a replay, the letter it was replayed from.
    letters = read_dlq_with_kcat(bootstrap, topic + ".dlq")
    assert [h["dlq.attempts"] for _, _, h in letters] == ["1", "2", "3"], letters
    assert all(h["dlq.original.offset"] == "0" and h["dlq.original.partition"] == "0" for _, _, h in letters)
    assert "dlq.replayed_from" not in letters[0][2]
    assert [h.get("dlq.previous_reason") for _, _, h in letters] == [None, "wrong_type", "wrong_type"]
    assert [h.get("dlq.replayed_from") for _, _, h in letters[1:]] == \
        [f"{topic}.dlq 0@0", f"{topic}.dlq 0@1"], letters
    assert len({h["dlq.first_failed_at"] for _, _, h in letters}) == 1, "the first failure time is kept"

    left = pending(bootstrap, lakehouse, topic=topic)
    assert [(l["reason"], l["attempts"]) for l in left] == [("wrong_type", 3)], left
    parked_out = jsm_dlq(bootstrap, lakehouse, "replay", "--set", "Quantity=text4", topic=topic).stdout
    assert "replayed 0 to" in parked_out and "parked 1 in _system/dlq_parked" in parked_out, parked_out
    parked = table_rows(lakehouse, "_system/dlq_parked")
    assert len(parked) == 1 and parked[0]["attempts"] == 3 and parked[0]["original_offset"] == 0, parked
    assert [r["transaction_no"] for r in table_rows(lakehouse, "silver/pedidos")] == ["581482"]


def test_dead_letters_survive_a_broker_outage_once_each(tmp_path):
    kafka = start_real_kafka(tmp_path / "kafka")
    try:
        bootstrap = kafka.bootstrap
        topic = "dlq-outage"
        lakehouse = tmp_path / "lakehouse"
        run_jsm("--log-level", "warn", "topics", "ensure", "--bootstrap", bootstrap, "--topic", topic,
                "--partitions", "1", timeout=120)
        bad = [(str(581490 + i), json.dumps(dict(TEXT_QUANTITY, TransactionNo=str(581490 + i)))) for i in range(3)]
        produce_raw(bootstrap, topic, bad + [("581482", json.dumps(GOOD)), ("581499", "not json at all")])
        run_jsm("--log-level", "warn", "run", "--bootstrap", bootstrap, "--topic", topic, "--available-now",
                "--stage", "ingest", "--lakehouse", lakehouse, timeout=300)
        assert len(table_rows(lakehouse, "bronze/pedidos")) == 5

        # Deliveries time out after 3 s, so while the broker is down they fail and must be produced again.
        config = tmp_path / "outage.toml"
        config.write_text('[kafka.properties]\n"message.timeout.ms" = "3000"\n')
        kafka.stop_all()
        log = tmp_path / "refine.log"
        with open(log, "w") as log_file:
            refine = subprocess.Popen([JSM, "--log-level", "info", "run", "--config", str(config), "--bootstrap",
                                       bootstrap, "--topic", topic, "--available-now", "--stage", "refine",
                                       "--lakehouse", str(lakehouse)], stdout=log_file, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 120
            while "dead letter delivery failed, producing again" not in log.read_text():
                assert refine.poll() is None, "refine exited during the outage:\n" + log.read_text()[-4000:]
                assert time.monotonic() < deadline, "no failed delivery was retried:\n" + log.read_text()[-4000:]
                time.sleep(0.2)
            # Longer than one step's wait (30 s): the step fails transiently and is run again;
            # the letters stay tracked, so the step run again does not send them twice.
            while '"transient failure, retrying","stage":"refine"' not in log.read_text():
                assert refine.poll() is None, "refine exited during the outage:\n" + log.read_text()[-4000:]
                assert time.monotonic() < deadline, "the refine step was not retried:\n" + log.read_text()[-4000:]
                time.sleep(0.2)
            # Silver has not moved past the events whose letters are not acknowledged.
            silver = deltalake.DeltaTable(str(lakehouse / "silver/pedidos"))
            assert silver.to_pyarrow_table().num_rows == 0
            assert refine.poll() is None
            kafka.start_all()
            assert refine.wait(timeout=240) == 0, log.read_text()[-4000:]
        finally:
            if refine.poll() is None:
                refine.kill()
                refine.wait()
        text = log.read_text()
        print("\n".join(l for l in text.splitlines() if "dead letter" in l or "transient" in l)[-3000:])

        letters = read_dlq_with_kcat(bootstrap, topic + ".dlq")
        offsets = sorted(int(h["dlq.original.offset"]) for _, _, h in letters)
        assert offsets == [0, 1, 2, 4], letters  # every bad event once: none lost, none twice
        assert [r["transaction_no"] for r in table_rows(lakehouse, "silver/pedidos")] == ["581482"]
        history = deltalake.DeltaTable(str(lakehouse / "silver/pedidos")).history()
        dead = sum(int(h.get("operationMetrics", {}).get("numDeadLetters", 0)) for h in history)
        assert dead == 4, history
    finally:
        kafka.stop()


def test_a_bronze_table_from_before_headers_gains_the_column_and_peers_read_old_rows_as_null(real_kafka, tmp_path):
    """Bronze written by delta-rs with the columns bronze had before `headers`: the next ingest adds
    the column by schema evolution; delta-rs then reads the old rows' headers as null and the new ones'."""
    import pyarrow as pa

    bootstrap = real_kafka.bootstrap
    topic = "dlq-evolution"
    lakehouse = tmp_path / "lakehouse"
    utc = pa.timestamp("us", tz="UTC")
    old_schema = pa.schema([pa.field("value", pa.string()), pa.field("key", pa.string()),
                            pa.field("topic", pa.string(), nullable=False),
                            pa.field("partition", pa.int32(), nullable=False),
                            pa.field("offset", pa.int64(), nullable=False),
                            pa.field("kafka_timestamp", utc), pa.field("ingested_at", utc, nullable=False)])
    old = pa.table({"value": ["{}"], "key": ["old"], "topic": ["earlier-topic"], "partition": pa.array([0], pa.int32()),
                    "offset": pa.array([0], pa.int64()), "kafka_timestamp": pa.array([None], utc),
                    "ingested_at": pa.array([1_700_000_000_000_000], utc)}, schema=old_schema)
    deltalake.write_deltalake(str(lakehouse / "bronze/pedidos"), old)
    run_jsm("--log-level", "warn", "topics", "ensure", "--bootstrap", bootstrap, "--topic", topic,
            "--partitions", "1", timeout=120)
    subprocess.run([kcat(), "-P", "-b", bootstrap, "-t", topic, "-K", "\t", "-H", "trace=abc"],
                   input='581482\t{"n": 1}\n', text=True, check=True, timeout=60)
    run_jsm("--log-level", "warn", "run", "--bootstrap", bootstrap, "--topic", topic, "--available-now",
            "--stage", "ingest", "--lakehouse", lakehouse, timeout=300)
    table = deltalake.DeltaTable(str(lakehouse / "bronze/pedidos"))
    assert "headers" in [f.name for f in table.schema().fields]
    rows = {r["key"]: r for r in table.to_pyarrow_table().to_pylist()}
    assert rows["old"]["headers"] is None
    assert json.loads(rows["581482"]["headers"]) == [{"key": "trace", "value": "abc"}]
    assert [h["operation"] for h in table.history()][:2] == ["STREAMING UPDATE", "ADD COLUMNS"]
