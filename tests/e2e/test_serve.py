"""`jsm serve` on a free port over a lakehouse the pipeline just filled: the API's
gold rows equal what delta-rs reads, CSV matches JSON, /metrics parses as
Prometheus text and agrees with the tables, and the token guards a server that
listens beyond loopback."""

import csv
import decimal
import io
import json
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import deltalake
import pytest

from conftest import JSM, run_jsm

GOLD = ("daily_sales", "product_performance", "country_summary", "customer_rfm", "monthly_kpis")


class Server:
    """A `jsm serve` process; its first stdout line is the base URL."""

    def __init__(self, lakehouse, listen="127.0.0.1:0", env=None, token=None, extra=()):
        args = [JSM, "serve", "--lakehouse", str(lakehouse), "--listen", listen, *map(str, extra)]
        if token:
            args += ["--token", token]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http://"):
            self.stop()
            raise AssertionError("jsm serve printed no URL: " + self.proc.stderr.read())

    def get(self, path, headers=None):
        request = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture(scope="module")
def lakehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("serve") / "lakehouse"
    run_jsm("run", "--synthetic", 20000, "--until-drained", "--lakehouse", path, timeout=600)
    return path


@pytest.fixture(scope="module")
def server(lakehouse):
    s = Server(lakehouse)
    yield s
    s.stop()


def normalize(value):
    """delta-rs values as the API's JSON writes them."""
    if isinstance(value, decimal.Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def test_lists_every_table_with_its_version_and_rows(server, lakehouse):
    status, headers, body = server.get("/api/tables")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    tables = {(t["layer"], t["name"]): t for t in json.loads(body)["tables"]}
    for name in GOLD:
        table = deltalake.DeltaTable(str(lakehouse / "gold" / name))
        entry = tables[("gold", name)]
        assert entry["version"] == table.version()
        assert entry["rows"] == table.to_pyarrow_table().num_rows
    assert ("silver", "pedidos") in tables and ("_system", "event_log") in tables


@pytest.mark.parametrize("name", GOLD)
def test_gold_rows_equal_delta_rs(server, lakehouse, name):
    expected = deltalake.DeltaTable(str(lakehouse / "gold" / name)).to_pyarrow_table().to_pylist()
    status, headers, body = server.get(f"/api/tables/gold/{name}?limit=100000")
    assert status == 200, body
    payload = json.loads(body)
    assert payload["truncated"] is False
    assert int(headers["X-Delta-Version"]) == payload["version"]
    got = payload["rows"]
    assert len(got) == len(expected)
    expected = [{k: normalize(v) for k, v in row.items()} for row in expected]
    # JSON writes 0.0 as 0: order both sides by a key that reads every number as a float, then compare (0 == 0.0).
    key = lambda row: json.dumps({k: float(v) if isinstance(v, (int, float)) else v for k, v in row.items()},
                                 sort_keys=True)
    assert sorted(got, key=key) == sorted(expected, key=key)


def test_csv_equals_json_and_order_filter_limit_work(server):
    _, _, body = server.get("/api/tables/gold/product_performance?order=revenue_rank&limit=5")
    top = json.loads(body)["rows"]
    assert [r["revenue_rank"] for r in top] == [1, 2, 3, 4, 5]
    status, headers, text = server.get("/api/tables/gold/product_performance?order=revenue_rank&limit=5",
                                       headers={"Accept": "text/csv"})
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["product_no"] for r in rows] == [r["product_no"] for r in top]
    assert [r["net_revenue"] for r in rows] == [r["net_revenue"] for r in top]
    _, _, body = server.get("/api/tables/gold/daily_sales?" + urllib.parse.urlencode(
        {"filter": "net_revenue > 100", "order": "-net_revenue", "limit": 3}))
    rows = json.loads(body)["rows"]
    nets = [decimal.Decimal(r["net_revenue"]) for r in rows]
    assert len(rows) == 3 and nets == sorted(nets, reverse=True) and all(n > 100 for n in nets)


def test_time_travel_with_version(server, lakehouse):
    table = deltalake.DeltaTable(str(lakehouse / "gold/daily_sales"), version=1)
    status, _, body = server.get("/api/tables/gold/daily_sales?version=1&limit=100000&format=json")
    assert status == 200
    assert len(json.loads(body)["rows"]) == table.to_pyarrow_table().num_rows


def test_client_errors_are_clear(server):
    for path, code in [("/api/tables/gold/nothing", 404), ("/api/tables/../silver/pedidos", 404),
                       ("/api/tables/gold/%2e%2e", 400), ("/api/tables/gold/daily_sales?limit=x", 400),
                       ("/api/tables/gold/daily_sales?order=nope", 400), ("/api/tables/gold/daily_sales?version=99999", 404),
                       ("/nowhere", 404)]:
        status, _, body = server.get(path)
        assert status == code, (path, status, body)
        assert "error" in json.loads(body), body
    status, _, _ = server.get("/api/tables/gold/daily_sales?filter=" + "x" * 20000)
    assert status == 414


PROM_LINE = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"'
                       r'(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")*\})? (-?[0-9.e+-]+|\+Inf|NaN)$')


def parse_prometheus(text):
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            assert line == "" or re.match(r"^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$", line), line
            continue
        assert PROM_LINE.match(line), line
        name_labels, value = line.rsplit(" ", 1)
        samples[name_labels] = float(value)
    return samples


def test_metrics_parse_and_agree_with_the_tables(server, lakehouse):
    status, headers, text = server.get("/metrics")
    assert status == 200 and headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = parse_prometheus(text)
    silver = deltalake.DeltaTable(str(lakehouse / "silver/pedidos"))
    assert samples['jsm_table_version{table="silver/pedidos"}'] == silver.version()
    assert samples['jsm_table_rows{table="silver/pedidos"}'] == silver.to_pyarrow_table().num_rows
    assert samples['jsm_table_txn_version{table="gold/customer_rfm",app="jsm-aggregate"}'] == silver.version()
    assert samples['jsm_stage_events_in_total{stage="ingest"}'] == 20000
    assert samples['jsm_stage_events_out_total{stage="refine"}'] == silver.to_pyarrow_table().num_rows
    for stage in ("ingest", "refine", "aggregate"):
        assert samples[f'jsm_batch_duration_seconds_count{{stage="{stage}"}}'] >= 1
        assert samples[f'jsm_batch_duration_seconds_bucket{{stage="{stage}",le="+Inf"}}'] == \
            samples[f'jsm_batch_duration_seconds_count{{stage="{stage}"}}']
    assert any(k.startswith("jsm_expectation_passed_total{") for k in samples)


def test_token_guards_a_server_beyond_loopback(lakehouse):
    refused = subprocess.run([JSM, "serve", "--lakehouse", str(lakehouse), "--listen", "0.0.0.0:0"],
                             capture_output=True, text=True, timeout=30)
    assert refused.returncode == 2 and "token" in refused.stderr
    s = Server(lakehouse, listen="0.0.0.0:0", token="let-me-in")
    try:
        s.url = s.url.replace("0.0.0.0", "127.0.0.1")
        assert s.get("/healthz")[0] == 200
        for path in ("/api/tables", "/metrics", "/readyz", "/api/tables/gold/daily_sales"):
            status, headers, _ = s.get(path)
            assert status == 401 and headers.get("WWW-Authenticate") == "Bearer", path
        assert s.get("/api/tables", headers={"Authorization": "Bearer wrong"})[0] == 401
        assert s.get("/api/tables", headers={"Authorization": "Bearer let-me-in"})[0] == 200
        assert s.get("/metrics?token=let-me-in")[0] == 200
    finally:
        s.stop()


def test_run_serve_shows_gold_while_the_pipeline_runs(tmp_path):
    from conftest import wait_for
    lakehouse = tmp_path / "lakehouse"
    proc = subprocess.Popen([JSM, "run", "--synthetic", "20000", "--lakehouse", str(lakehouse), "--serve", "127.0.0.1:0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = None
        for _ in range(20):
            line = proc.stdout.readline()
            match = re.search(r"serving (http://\S+)", line)
            if match:
                url = match.group(1)
                break
        assert url, "jsm run --serve printed no URL"

        def gold_rows():
            try:
                with urllib.request.urlopen(url + "/api/tables/gold/daily_sales?limit=1", timeout=10) as response:
                    return len(json.loads(response.read())["rows"]) > 0
            except urllib.error.HTTPError:
                return False  # 404 until the aggregate stage has created the table
        wait_for(gold_rows, 300, "gold rows through jsm run --serve")
        with urllib.request.urlopen(url + "/metrics", timeout=10) as response:
            samples = parse_prometheus(response.read().decode())
        assert samples['jsm_stage_batches_total{stage="aggregate"}'] >= 1
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_a_second_server_on_a_port_in_use_exits_2_and_the_first_keeps_serving(server, lakehouse):
    port = server.url.rsplit(":", 1)[1]
    second = subprocess.run([JSM, "serve", "--lakehouse", str(lakehouse), "--listen", f"127.0.0.1:{port}"],
                            capture_output=True, text=True, timeout=30)
    assert second.returncode == 2, (second.returncode, second.stdout, second.stderr)
    assert "address in use" in second.stderr, second.stderr
    # Every request still reaches the first server.
    for _ in range(10):
        status, _, body = server.get("/healthz")
        assert status == 200, body


def get_with_host(url, path, host):
    import http.client
    netloc = url.removeprefix("http://")
    connection = http.client.HTTPConnection(netloc, timeout=30)
    connection.putrequest("GET", path, skip_host=True)
    connection.putheader("Host", host)
    connection.endheaders()
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read().decode()


def test_dns_rebinding_is_refused_and_allowed_names_are_served(server, lakehouse):
    status, headers, body = get_with_host(server.url, "/api/tables/silver/pedidos", "attacker.example:8080")
    assert status == 421, body
    assert "--allow-host" in json.loads(body)["error"]
    assert headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert get_with_host(server.url, "/healthz", "attacker.example")[0] == 200
    named = Server(lakehouse, extra=["--allow-host", "dash.example"])
    try:
        assert get_with_host(named.url, "/api/tables", "dash.example:8080")[0] == 200
        assert get_with_host(named.url, "/api/tables", "other.example")[0] == 421
    finally:
        named.stop()
