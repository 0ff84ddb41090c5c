"""Shared helpers of the Python checks: where `jsm` and the real data are,
running `jsm`, starting `jsm broker`, and reading our tables with the peers."""

import os
import pathlib
import subprocess
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
JSM = os.environ.get("JSM_BIN", str(ROOT / "build" / "jsm"))
DATA_CSV = pathlib.Path(os.environ.get("JSM_DATA_CSV", str(ROOT.parent / "shared" / "data" / "sales_transactions_v4a.csv")))


def run_jsm(*args, timeout=600, check=True, env=None):
    """Runs `jsm ARGS`, returns the CompletedProcess (stdout/stderr as text)."""
    proc = subprocess.run([JSM, *map(str, args)], capture_output=True, text=True, timeout=timeout, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"jsm {' '.join(map(str, args))} exited {proc.returncode}\n"
                             f"stdout:\n{proc.stdout[-4000:]}\nstderr:\n{proc.stderr[-4000:]}")
    return proc


def wait_for(predicate, timeout, what):
    """Polls `predicate` until true or the deadline passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Broker:
    """A `jsm broker` process: the embedded broker shared by several jsm processes."""

    def __init__(self):
        self.proc = subprocess.Popen([JSM, "broker"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.bootstrap = self.proc.stdout.readline().strip()
        if not self.bootstrap:
            raise AssertionError("jsm broker printed no bootstrap address: " + self.proc.stderr.read())

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture
def broker():
    b = Broker()
    yield b
    b.stop()


@pytest.fixture
def real_csv():
    if not DATA_CSV.exists():
        pytest.skip(f"real data file {DATA_CSV} is absent (set JSM_DATA_CSV to run this test)")
    return DATA_CSV


def reconciliation(stdout):
    """Parses the reconciliation block printed by `jsm run --until-drained`."""
    numbers = {}
    lines = stdout.splitlines()
    assert "reconciliation" in lines, "no reconciliation in the output:\n" + stdout
    for line in lines[lines.index("reconciliation") + 1:]:
        parts = line.rsplit(None, 1)
        for label in ("produced", "bronze messages", "silver rows", "quarantined", "dead-lettered",
                      "duplicates removed"):
            if line.strip().startswith(label) and len(parts) == 2:
                numbers[label] = int(parts[1])
        for label in ("silver net revenue", "gold net revenue"):  # exact decimal text, GBP
            if line.strip().startswith(label):
                numbers[label] = line.split()[-2]
    return numbers


# --- Delta table checks: our reader through `jsm table show`, the delta_append
# --- test tool, and one shared Spark session with delta-spark (tests/e2e/test_spark_*.py).

DELTA_APPEND = os.environ.get("JSM_DELTA_APPEND", str(pathlib.Path(JSM).parent / "delta_append"))
SPARK_JARS_DIR = ROOT / "deploy" / "spark" / "jars"


def delta_append(root, table, *args, check=True, timeout=300):
    """Runs tests/tools/delta_append (appends commits with our writer)."""
    proc = subprocess.run([DELTA_APPEND, "--root", str(root), "--table", str(table), *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"delta_append {args} exited {proc.returncode}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return proc


def jsm_table_rows(lakehouse, table, *args):
    """Every row of a table as our reader returns it (`jsm table show --format json`), as dicts."""
    import json
    proc = run_jsm("table", "show", table, "--lakehouse", lakehouse, "--limit", "0", "--format", "json", *args)
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="session")
def spark():
    """One local Spark session with delta-spark, its jars from deploy/spark/jars (`make spark-jars`)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        pytest.skip(f"pyspark is not installed in this venv ({error}); see tests/python/requirements.txt")
    jars = sorted(str(p) for p in SPARK_JARS_DIR.glob("*.jar"))
    if not any("delta-spark" in j for j in jars):
        pytest.skip(f"no Delta jars in {SPARK_JARS_DIR}: run `make spark-jars`")
    session = (SparkSession.builder.master("local[2]").appName("jsm-delta-checks")
               .config("spark.jars", ",".join(jars))
               .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
               .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.default.parallelism", "2")
               .config("spark.databricks.delta.snapshotPartitions", "2")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.driver.memory", "1g")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
