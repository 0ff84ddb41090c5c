"""Debian's Prometheus scrapes a running `jsm serve` with the shipped config and
alert rules (deploy/prometheus/) and finds our series through its HTTP API;
promtool accepts our /metrics text and the rules."""

import json
import shutil
import socket
import subprocess
import urllib.parse
import urllib.request

import pytest

from conftest import ROOT, run_jsm, wait_for
from e2e.test_consumer_lag import serve_unconsumed_topic
from e2e.test_serve import Server

PROMETHEUS = shutil.which("prometheus")
PROMTOOL = shutil.which("promtool")
pytestmark = pytest.mark.skipif(PROMETHEUS is None or PROMTOOL is None,
                                reason="Debian's prometheus package is not installed (deploy/debian-packages.txt)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    lakehouse = tmp_path_factory.mktemp("prom") / "lakehouse"
    run_jsm("run", "--synthetic", 5000, "--until-drained", "--lakehouse", lakehouse, timeout=600)
    s = Server(lakehouse)
    yield s
    s.stop()


def test_promtool_accepts_our_metrics_and_rules(served, tmp_path):
    status, _, text = served.get("/metrics")
    assert status == 200
    check = subprocess.run([PROMTOOL, "check", "metrics"], input=text, capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    rules = subprocess.run([PROMTOOL, "check", "rules", str(ROOT / "deploy/prometheus/alerts.yml")],
                           capture_output=True, text=True, timeout=60)
    assert rules.returncode == 0, rules.stdout + rules.stderr
    # The alerts' own unit tests (JsmLagGrowing on jsm_consumer_lag, JsmKafkaUnreachable).
    tested = subprocess.run([PROMTOOL, "test", "rules", str(ROOT / "deploy/prometheus/alerts_test.yml")],
                            capture_output=True, text=True, timeout=60)
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_prometheus_scrapes_jsm_serve(served, tmp_path):
    target = served.url.removeprefix("http://")
    shipped = (ROOT / "deploy/prometheus/prometheus.yml").read_text()
    assert '"127.0.0.1:8080"' in shipped
    config = tmp_path / "prometheus.yml"
    config.write_text(shipped.replace("scrape_interval: 15s", "scrape_interval: 1s")
                      .replace("evaluation_interval: 15s", "evaluation_interval: 1s")
                      .replace("- alerts.yml", "- " + str(ROOT / "deploy/prometheus/alerts.yml"))
                      .replace('"127.0.0.1:8080"', f'"{target}"'))
    port = free_port()
    prom = subprocess.Popen([PROMETHEUS, f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                             f"--web.listen-address=127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        def has_series():
            if prom.poll() is not None:
                raise AssertionError("prometheus exited: " + prom.stderr.read()[-3000:])
            try:
                query = urllib.parse.quote('jsm_table_version{table="gold/daily_sales"}')
                return len(get_json(f"{base}/api/v1/query?query={query}")["data"]["result"]) == 1
            except OSError:
                return False
        wait_for(has_series, 120, "Prometheus to scrape jsm_table_version")
        targets = get_json(f"{base}/api/v1/targets")["data"]["activeTargets"]
        assert [t["health"] for t in targets if t["labels"]["job"] == "jsm"] == ["up"]
        query = urllib.parse.quote('jsm_stage_events_in_total{stage="ingest"}')
        result = get_json(f"{base}/api/v1/query?query={query}")["data"]["result"]
        assert float(result[0]["value"][1]) == 5000
        query = urllib.parse.quote('jsm_batch_duration_seconds_count')
        stages = {r["metric"]["stage"] for r in get_json(f"{base}/api/v1/query?query={query}")["data"]["result"]}
        assert stages == {"ingest", "refine", "aggregate"}
        groups = get_json(f"{base}/api/v1/rules")["data"]["groups"]
        names = {rule["name"] for group in groups for rule in group["rules"]}
        assert {"JsmLagGrowing", "JsmKafkaUnreachable", "JsmGoldBehindSilver", "JsmDeadLetterRate", "JsmStageStalled",
                "JsmExpectationFailures"} <= names
    finally:
        prom.terminate()
        try:
            prom.wait(timeout=30)
        except subprocess.TimeoutExpired:
            prom.kill()
            prom.wait()


def test_prometheus_finds_consumer_lag(real_kafka, tmp_path):
    """`jsm serve --bootstrap` against a real broker: Prometheus scrapes jsm_consumer_lag,
    and its sum is the number of events produced (nothing ingested)."""
    topic, events = "lag-prometheus", 500
    lakehouse = tmp_path / "lakehouse"
    server = serve_unconsumed_topic(real_kafka.bootstrap, topic, 2, events, lakehouse)
    config = tmp_path / "prometheus.yml"
    config.write_text((ROOT / "deploy/prometheus/prometheus.yml").read_text()
                      .replace("scrape_interval: 15s", "scrape_interval: 1s")
                      .replace("- alerts.yml", "- " + str(ROOT / "deploy/prometheus/alerts.yml"))
                      .replace('"127.0.0.1:8080"', '"' + server.url.removeprefix("http://") + '"'))
    port = free_port()
    prom = subprocess.Popen([PROMETHEUS, f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                             f"--web.listen-address=127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        query = urllib.parse.quote(f'sum(jsm_consumer_lag{{topic="{topic}"}})')
        seen = []

        def lag_scraped():
            if prom.poll() is not None:
                raise AssertionError("prometheus exited: " + prom.stderr.read()[-3000:])
            try:
                result = get_json(f"{base}/api/v1/query?query={query}")["data"]["result"]
            except OSError:
                return False
            seen[:] = [float(r["value"][1]) for r in result]
            return seen == [events]
        wait_for(lag_scraped, 120, f"Prometheus to scrape jsm_consumer_lag summing to {events}")
        up = get_json(f"{base}/api/v1/query?query=jsm_kafka_up")["data"]["result"]
        assert [float(r["value"][1]) for r in up] == [1]
        # promtool accepts the exposition with the lag series in it.
        text = server.get("/metrics")[2]
        assert "jsm_consumer_lag{" in text
        check = subprocess.run([PROMTOOL, "check", "metrics"], input=text, capture_output=True, text=True, timeout=60)
        assert check.returncode == 0, check.stdout + check.stderr
    finally:
        prom.terminate()
        try:
            prom.wait(timeout=30)
        except subprocess.TimeoutExpired:
            prom.kill()
            prom.wait()
        server.stop()
