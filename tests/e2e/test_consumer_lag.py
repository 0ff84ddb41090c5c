"""Consumer lag and commit conflicts in /metrics and /api/health against a real Kafka
broker (tests/e2e/kafka_fixture.py, free ports): N events produced with ingest not
running are lag N summed over the partitions; after `jsm run --available-now` the lag
is 0 and bronze's offsets equal the high watermarks. A broker that does not answer
is `jsm_kafka_up 0`, never a /metrics that hangs."""

import json
import re
import subprocess
import time
import urllib.request

import pytest

from conftest import JSM, run_jsm, wait_for
from e2e.kafka_fixture import free_port
from e2e.test_serve import Server

EVENTS = 3000


def samples(text, name):
    """{labels text: value} of one metric in Prometheus text."""
    out = {}
    for line in text.splitlines():
        match = re.match(rf"^{name}(?:\{{(.*)\}})? (\S+)$", line)
        if match:
            out[match.group(1) or ""] = float(match.group(2))
    return out


def lag_state(server, topic):
    status, _, text = server.get("/metrics")
    assert status == 200, text
    lag = {k: v for k, v in samples(text, "jsm_consumer_lag").items() if f'topic="{topic}"' in k}
    return samples(text, "jsm_kafka_up").get(""), lag, text


def serve_unconsumed_topic(bootstrap, topic, partitions, events, lakehouse):
    """`events` synthetic orders produced to a new `topic` of `partitions` partitions and nothing
    ingested: a `jsm serve` of the empty `lakehouse` (created here) reporting that topic's lag."""
    run_jsm("--log-level", "warn", "topics", "ensure", "--bootstrap", bootstrap, "--topic", topic,
            "--partitions", partitions, timeout=120)
    run_jsm("--log-level", "warn", "produce", "--bootstrap", bootstrap, "--topic", topic,
            "--synthetic", events, timeout=300)
    lakehouse.mkdir()
    return Server(lakehouse, extra=("--bootstrap", bootstrap, "--topic", topic))


@pytest.fixture(scope="module")
def lag_setup(real_kafka, tmp_path_factory):
    topic = "lag-e2e"
    lakehouse = tmp_path_factory.mktemp("lag") / "lakehouse"
    server = serve_unconsumed_topic(real_kafka.bootstrap, topic, 3, EVENTS, lakehouse)
    yield {"server": server, "topic": topic, "lakehouse": lakehouse, "bootstrap": real_kafka.bootstrap}
    server.stop()


def test_lag_is_what_was_produced_then_zero_after_ingest(lag_setup):
    server, topic = lag_setup["server"], lag_setup["topic"]
    state = {}

    def lag_is(expected):
        up, lag, text = lag_state(server, topic)
        state.update(up=up, lag=lag, text=text)
        return up == 1 and len(lag) == 3 and sum(lag.values()) == expected

    wait_for(lambda: lag_is(EVENTS), 60, f"lag {EVENTS} with ingest not running")
    print(f"before ingest: jsm_consumer_lag per partition {state['lag']}")
    high = samples(state["text"], "jsm_partition_high_watermark")
    assert sum(high.values()) == EVENTS
    status, _, body = server.get("/api/health")
    health = json.loads(body)
    assert status == 200 and health["lag"]["kafka_up"] and health["lag"]["total"] == EVENTS, body
    status, _, body = server.get("/readyz")
    assert json.loads(body)["lag"]["configured"] is True, body

    run_jsm("--log-level", "warn", "run", "--bootstrap", lag_setup["bootstrap"], "--topic", topic,
            "--available-now", "--lakehouse", lag_setup["lakehouse"], timeout=600)
    wait_for(lambda: lag_is(0), 60, "lag 0 after jsm run --available-now")
    bronze = samples(state["text"], "jsm_bronze_offset")
    assert bronze == {k: v for k, v in samples(state["text"], "jsm_partition_high_watermark").items()}, state["text"]
    assert sum(bronze.values()) == EVENTS
    # Every batch logged its commit conflicts (0 or more): the series exist per stage and table.
    conflicts = samples(state["text"], "jsm_commit_conflicts_total")
    assert 'stage="ingest",table="bronze/pedidos"' in conflicts, state["text"]
    assert 'stage="refine",table="silver/pedidos"' in conflicts, state["text"]
    print(f"after ingest: lag {state['lag']}, commit conflicts {conflicts}")
    health = json.loads(server.get("/api/health")[2])
    assert health["lag"]["total"] == 0
    assert health["commit_conflicts"]["total"] == sum(conflicts.values())


def test_a_dead_broker_is_kafka_up_zero_and_metrics_still_answer(tmp_path):
    lakehouse = tmp_path / "lakehouse"
    lakehouse.mkdir()
    server = Server(lakehouse, extra=("--bootstrap", f"127.0.0.1:{free_port()}"))
    try:
        for _ in range(3):
            started = time.monotonic()
            up, lag, text = lag_state(server, "pedidos")
            print(f"/metrics with a dead broker answered in {time.monotonic() - started:.3f} s")
            assert up == 0 and lag == {}, text
            time.sleep(1)
        health = json.loads(server.get("/api/health")[2])
        assert health["lag"]["configured"] and not health["lag"]["kafka_up"] and health["lag"]["error"]
    finally:
        server.stop()


def test_without_kafka_settings_there_are_no_lag_series(tmp_path):
    lakehouse = tmp_path / "lakehouse"
    lakehouse.mkdir()
    server = Server(lakehouse)
    try:
        _, _, text = server.get("/metrics")
        assert "jsm_kafka_up" not in text and "jsm_consumer_lag" not in text
        ready = json.loads(server.get("/readyz")[2])
        assert ready["lag"]["configured"] is False and "--bootstrap" in ready["lag"]["reason"]
    finally:
        server.stop()


def test_run_serve_on_a_shared_broker_reports_lag(lag_setup):
    """`jsm run --serve` passes its own Kafka settings: the refine stage alone (ingest not
    running) serves the lag of the topic, which bronze has fully ingested by now."""
    proc = subprocess.Popen([JSM, "--log-level", "warn", "run", "--bootstrap", lag_setup["bootstrap"], "--topic",
                             lag_setup["topic"], "--stage", "refine", "--serve", "127.0.0.1:0", "--lakehouse",
                             str(lag_setup["lakehouse"])], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = None
        for _ in range(5):
            line = proc.stdout.readline()
            if line.startswith("serving http://"):
                url = line.split()[1]
                break
        assert url, "jsm run --serve printed no URL"
        health = {}

        def measured():
            with urllib.request.urlopen(url + "/api/health", timeout=10) as response:
                health.update(json.loads(response.read()))
            return health["lag"].get("kafka_up") is True

        wait_for(measured, 60, "jsm run --serve to measure lag")
        assert health["lag"]["topic"] == lag_setup["topic"] and health["lag"]["total"] == 0, health
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
