"""The live dashboard in a real browser: `jsm run --serve` streams the real file through
the embedded broker while headless Chromium (Debian's, driven by playwright-core) shows
the page; the KPI cards must equal the gold tables at the exact versions the page read
(delta-rs time travel), the page must move on to newer gold versions while the pipeline
streams (live refresh), and a screenshot is saved under the test's tmp dir."""

import decimal
import json
import pathlib
import queue
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request

import deltalake
import pytest

from conftest import JSM, ROOT, run_jsm
from e2e.test_consumer_lag import samples, serve_unconsumed_topic

BROWSER_DIR = ROOT / "tests" / "browser"
DRIVER = BROWSER_DIR / "dashboard_driver.mjs"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CENT = decimal.Decimal("0.01")


def skip_reason():
    if CHROMIUM is None:
        return "Debian's chromium is not installed (deploy/install-deps.sh installs it)"
    if shutil.which("node") is None:
        return "node is not installed"
    if not (BROWSER_DIR / "node_modules" / "playwright-core").is_dir():
        return "playwright-core is not installed (run `make browser-deps`)"
    if not (ROOT / "web" / "dashboard" / "dist" / "index.html").is_file():
        return "the dashboard is not built (run `make dashboard`)"
    return None


pytestmark = pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or "")


class Lines:
    """Reads a process's stdout lines on a thread, so reads can have deadlines."""

    def __init__(self, stream):
        self.queue = queue.Queue()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream):
        for line in stream:
            self.queue.put(line)
        self.queue.put(None)

    def next(self, timeout):
        try:
            line = self.queue.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no output within {timeout}s") from None
        if line is None:
            raise AssertionError("the process ended")
        return line


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def expected_kpis(lakehouse, monthly_version, rfm_version):
    """The KPI cards as docs/dashboard.md defines them, from the gold tables at these versions."""
    monthly = deltalake.DeltaTable(str(lakehouse / "gold" / "monthly_kpis"), version=monthly_version).to_pyarrow_table()
    rfm = deltalake.DeltaTable(str(lakehouse / "gold" / "customer_rfm"), version=rfm_version).to_pyarrow_table()
    net = sum(monthly.column("net_revenue").to_pylist(), decimal.Decimal(0))
    gross = sum(monthly.column("gross_revenue").to_pylist(), decimal.Decimal(0))
    orders = sum(monthly.column("orders").to_pylist())
    cancellations = sum(monthly.column("cancellations").to_pylist())
    aov = (gross / orders).quantize(CENT, rounding=decimal.ROUND_HALF_UP) if orders else None
    return {
        "kpi-revenue": net.quantize(CENT),
        "kpi-orders": orders,
        "kpi-aov": aov,
        "kpi-customers": rfm.num_rows,
        "kpi-cancellation-rate": cancellations / (orders + cancellations) if orders + cancellations else 0.0,
    }


def shown_kpis(snapshot):
    values = {key: card["value"] for key, card in snapshot["kpis"].items()}
    return {
        "kpi-revenue": decimal.Decimal(values["kpi-revenue"]),
        "kpi-orders": int(values["kpi-orders"]),
        "kpi-aov": decimal.Decimal(values["kpi-aov"]) if values["kpi-aov"] else None,
        "kpi-customers": int(values["kpi-customers"]),
        "kpi-cancellation-rate": float(values["kpi-cancellation-rate"]),
    }


def test_dashboard_shows_gold_live(real_csv, tmp_path):
    lakehouse = tmp_path / "lakehouse"
    # A bounded replay rate keeps the stream going long enough to watch the page move on.
    run = subprocess.Popen([JSM, "run", "--input", str(real_csv), "--rate", "30000", "--serve", "127.0.0.1:0",
                            "--lakehouse", str(lakehouse)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    driver = None
    try:
        run_out = Lines(run.stdout)
        url = None
        deadline = time.monotonic() + 60
        while url is None and time.monotonic() < deadline:
            line = run_out.next(60)
            if line.startswith("serving http://"):
                url = line.split()[1]
        assert url, "jsm run --serve printed no URL"
        with urllib.request.urlopen(url + "/", timeout=30) as response:
            assert response.status == 200 and b"app.js" in response.read()

        driver = subprocess.Popen(["node", str(DRIVER), url + "/?interval=1", CHROMIUM], cwd=BROWSER_DIR,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        driver_out = Lines(driver.stdout)

        def ask(command):
            driver.stdin.write(command + "\n")
            driver.stdin.flush()
            return json.loads(driver_out.next(60))

        assert json.loads(driver_out.next(120)) == {"ready": True}

        checked = {}  # (monthly version, rfm version) -> the KPIs shown, each equal to gold at those versions

        def check(snapshot):
            """Compares the cards with gold at the versions the page read; returns those versions."""
            versions = (int(snapshot["monthlyVersion"]), int(snapshot["rfmVersion"]))
            if versions not in checked:
                shown = shown_kpis(snapshot)
                expected = expected_kpis(lakehouse, *versions)
                rate = shown.pop("kpi-cancellation-rate")
                assert rate == pytest.approx(expected.pop("kpi-cancellation-rate"), rel=1e-12, abs=1e-15)
                assert shown == expected, f"page at gold versions {versions}"
                checked[versions] = shown
                print(f"KPI cards at gold versions {versions} equal gold: {snapshot['kpis']}")
            return versions

        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            snapshot = ask("snapshot")
            assert snapshot["pageErrors"] == [], snapshot["pageErrors"]
            if snapshot["kpis"] is not None:
                check(snapshot)
                # Live: the page moved to newer gold while the pipeline streamed.
                if len({v[0] for v in checked}) >= 2 and snapshot["healthRows"] >= 3 and snapshot["charts"] == 5:
                    break
            time.sleep(0.5)
        assert len({v[0] for v in checked}) >= 2, f"the page showed too few gold versions while streaming: {list(checked)}"
        orders = [kpis["kpi-orders"] for _, kpis in sorted(checked.items())]
        assert orders == sorted(orders) and orders[0] < orders[-1], "orders should grow as the file streams"

        # The stream ends: the page settles on the last gold version, still equal to gold.
        monthly_path = str(lakehouse / "gold" / "monthly_kpis")
        last, since, settled = None, time.monotonic(), None
        deadline = time.monotonic() + 600
        while settled is None and time.monotonic() < deadline:
            latest = deltalake.DeltaTable(monthly_path).version()
            if latest != last:
                last, since = latest, time.monotonic()
            snapshot = ask("snapshot")
            assert snapshot["pageErrors"] == [], snapshot["pageErrors"]
            if time.monotonic() - since >= 5 and check(snapshot)[0] == latest:
                settled = latest
            time.sleep(0.5)
        assert settled is not None, f"the page did not settle on the last gold version (last seen {last})"
        # An early gold version may hold no orders yet (the page shows 0, as gold does); the last one must.
        assert all(kpis["kpi-orders"] > 0 for versions, kpis in checked.items() if versions[0] == settled)
        print(f"the page settled on gold/monthly_kpis version {settled}")

        screenshot = tmp_path / "dashboard.png"
        assert ask(f"screenshot {screenshot}") == {"screenshot": str(screenshot)}
        assert screenshot.stat().st_size > 10_000
        print(f"dashboard screenshot: {screenshot}")
        driver.stdin.write("quit\n")
        driver.stdin.close()
        assert driver.wait(timeout=60) == 0
    finally:
        if driver is not None:
            stop(driver)
        stop(run)


def test_dashboard_shows_the_consumer_lag_metrics_report(real_kafka, tmp_path):
    """Events produced with ingest not running: the pipeline-health panel shows the same
    total lag as /metrics (the produced count), per partition; after `jsm run
    --available-now` both say 0, and the commit conflicts equal /metrics' sum."""
    topic, events = "lag-dashboard", 2000
    lakehouse = tmp_path / "lakehouse"
    server = serve_unconsumed_topic(real_kafka.bootstrap, topic, 2, events, lakehouse)
    driver = None
    try:
        driver = subprocess.Popen(["node", str(DRIVER), server.url + "/?interval=1", CHROMIUM], cwd=BROWSER_DIR,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        driver_out = Lines(driver.stdout)

        def ask(command):
            driver.stdin.write(command + "\n")
            driver.stdin.flush()
            return json.loads(driver_out.next(60))

        assert json.loads(driver_out.next(120)) == {"ready": True}

        def metrics_lag():
            text = server.get("/metrics")[2]
            lag = samples(text, "jsm_consumer_lag")
            return (sum(lag.values()) if lag else None), len(lag), text

        def wait_page_equals_metrics(expected, what):
            last = None
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                snapshot = ask("snapshot")
                assert snapshot["pageErrors"] == [], snapshot["pageErrors"]
                total, partitions, text = metrics_lag()
                shown = snapshot["lag"]["value"]
                last = (shown, total, snapshot["lag"]["note"])
                if shown not in (None, "") and int(shown) == total == expected and snapshot["lagRows"] == partitions:
                    return snapshot, text
                time.sleep(0.3)
            raise AssertionError(f"{what}: page lag, /metrics lag, note = {last}")

        snapshot, _ = wait_page_equals_metrics(events, "lag before ingest")
        print(f"page shows consumer lag {snapshot['lag']['text']} = /metrics sum, over {snapshot['lagRows']} partitions")
        run_jsm("--log-level", "warn", "run", "--bootstrap", real_kafka.bootstrap, "--topic", topic,
                "--available-now", "--lakehouse", lakehouse, timeout=600)
        snapshot, text = wait_page_equals_metrics(0, "lag after jsm run --available-now")
        conflicts = sum(samples(text, "jsm_commit_conflicts_total").values())
        deadline = time.monotonic() + 30
        while snapshot["conflicts"]["value"] in (None, "") or int(snapshot["conflicts"]["value"]) != conflicts:
            assert time.monotonic() < deadline, f"page conflicts {snapshot['conflicts']} != /metrics {conflicts}"
            time.sleep(0.3)
            snapshot = ask("snapshot")
        print(f"after ingest the page shows lag 0 and {conflicts:.0f} commit conflicts, as /metrics does")
        screenshot = tmp_path / "dashboard-lag.png"
        assert ask(f"screenshot {screenshot}") == {"screenshot": str(screenshot)}
        driver.stdin.write("quit\n")
        driver.stdin.close()
        assert driver.wait(timeout=60) == 0
    finally:
        if driver is not None:
            stop(driver)
        server.stop()


def test_dashboard_works_with_a_token(tmp_path):
    """`jsm serve --token T`: the page opened as /?token=T loads its files (they need no token),
    sends the token with every data request, and shows gold, with no console error."""
    lakehouse = tmp_path / "lakehouse"
    run_jsm("run", "--synthetic", 20000, "--until-drained", "--lakehouse", lakehouse, timeout=600)
    serve = subprocess.Popen([JSM, "serve", "--lakehouse", str(lakehouse), "--listen", "127.0.0.1:0",
                              "--token", "dash-s3cret"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    driver = None
    try:
        url = serve.stdout.readline().strip()
        assert url.startswith("http://"), serve.stderr.read()
        try:
            urllib.request.urlopen(url + "/api/tables", timeout=30)
            raise AssertionError("the data answered without the token")
        except urllib.error.HTTPError as error:
            assert error.code == 401
        driver = subprocess.Popen(["node", str(DRIVER), url + "/?token=dash-s3cret&interval=1", CHROMIUM],
                                  cwd=BROWSER_DIR, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        driver_out = Lines(driver.stdout)
        assert json.loads(driver_out.next(120)) == {"ready": True}
        deadline = time.monotonic() + 120
        snapshot = None
        while time.monotonic() < deadline:
            driver.stdin.write("snapshot\n")
            driver.stdin.flush()
            snapshot = json.loads(driver_out.next(60))
            assert snapshot["pageErrors"] == [], snapshot["pageErrors"]
            if snapshot["kpis"] is not None:
                break
            time.sleep(0.5)
        assert snapshot and snapshot["kpis"] is not None, f"the tokened page showed no numbers: {snapshot}"
        versions = (int(snapshot["monthlyVersion"]), int(snapshot["rfmVersion"]))
        shown, expected = shown_kpis(snapshot), expected_kpis(lakehouse, *versions)
        assert shown.pop("kpi-cancellation-rate") == pytest.approx(expected.pop("kpi-cancellation-rate"), rel=1e-12)
        assert shown == expected
        driver.stdin.write("quit\n")
        driver.stdin.close()
        assert driver.wait(timeout=60) == 0
    finally:
        if driver is not None:
            stop(driver)
        stop(serve)
