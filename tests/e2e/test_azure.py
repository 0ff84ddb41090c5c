"""The lakehouse on Azure Blob Storage, served by Azurite: the real file end to end with
the embedded broker, read back by delta-rs from the emulator with exactly the numbers of a
local run; concurrent writers to one table; an Azurite restart mid-run; jsm table on az://."""

import collections
import os
import subprocess
import time
import uuid

import deltalake
import pytest

from conftest import DATA_CSV, DELTA_APPEND, JSM, Broker, reconciliation, run_jsm, wait_for
from e2e import order_reference
from e2e.azurite_fixture import azurite  # noqa: F401  (session fixture)

TABLES = ["bronze/pedidos", "silver/pedidos", "silver/pedidos_quarantine", "gold/daily_sales",
          "gold/product_performance", "gold/country_summary", "_system/event_log"]
OUTAGE_SECONDS = 4
SILVER_COLUMNS = ["transaction_no", "order_date", "product_no", "product_name", "unit_price", "quantity",
                  "customer_no", "country"]


def new_lake(name):
    """A fresh az:// lakehouse in its own container."""
    return f"az://{name}-{uuid.uuid4().hex[:12]}/lakehouse"


def az_table(emulator, lake, name, version=None):
    """A table of an az:// lakehouse opened by delta-rs with the emulator settings."""
    return deltalake.DeltaTable(f"{lake}/{name}", storage_options=emulator.storage_options, version=version)


def silver_rows(table):
    return collections.Counter(zip(*(table[c].to_pylist() for c in SILVER_COLUMNS)))


def gold_daily(table):
    return {(r["order_date"], r["country"]): (r["transactions"], r["lines"], r["units"], r["customers"],
                                              r["gross_revenue"], r["cancelled_revenue"], r["net_revenue"])
            for r in table.to_pylist()}


@pytest.fixture(scope="module")
def real_runs(azurite, tmp_path_factory):
    """The real file through the embedded broker into Azurite and, the same way, into a local directory."""
    if not DATA_CSV.exists():
        pytest.skip(f"real data file {DATA_CSV} is absent (set JSM_DATA_CSV to run this test)")
    lake = new_lake("real")
    azure = run_jsm("run", "--input", DATA_CSV, "--until-drained", "--lakehouse", lake, timeout=1800,
                    env=azurite.jsm_env())
    local_lake = tmp_path_factory.mktemp("real-local") / "lakehouse"
    local = run_jsm("run", "--input", DATA_CSV, "--until-drained", "--lakehouse", local_lake, timeout=1800)
    return lake, reconciliation(azure.stdout), local_lake, reconciliation(local.stdout)


def test_real_file_on_azurite_balances_like_the_local_run(real_runs):
    _, azure_books, _, local_books = real_runs
    assert azure_books == local_books
    assert azure_books["produced"] == azure_books["bronze messages"] == 536350
    assert azure_books["dead-lettered"] == 0


@pytest.mark.parametrize("name", TABLES)
def test_delta_rs_reads_every_table_from_azurite_with_the_local_row_counts(real_runs, azurite, name):
    lake, _, local_lake, _ = real_runs
    on_azure = az_table(azurite, lake, name).to_pyarrow_table()
    local = deltalake.DeltaTable(str(local_lake / name)).to_pyarrow_table()
    assert on_azure.schema == local.schema
    if name == "_system/event_log":
        # One row per batch: how many batches a run makes depends on timing, what they count does not.
        assert event_log_totals(on_azure) == event_log_totals(local)
    else:
        assert on_azure.num_rows == local.num_rows


def event_log_totals(table):
    """Per ingest/refine stage, the summed batch counts; per expectation, the summed pass and fail counts."""
    totals = {}
    for row in table.to_pylist():
        if row["expectation"] is not None:
            key = ("expectation", row["expectation"])
            counts = (row["passed"], row["failed"])
        elif row["stage"] in ("ingest", "refine"):
            key = ("stage", row["stage"])
            counts = (row["rows_in"], row["rows_out"], row["quarantined"], row["dead_letters"], row["duplicates"])
        else:
            continue
        previous = totals.get(key, (0,) * len(counts))
        totals[key] = tuple(a + (b or 0) for a, b in zip(previous, counts))
    return totals


def test_bronze_on_azurite_holds_every_message_exactly_once(real_runs, azurite):
    lake, _, _, _ = real_runs
    bronze = az_table(azurite, lake, "bronze/pedidos").to_pyarrow_table()
    assert bronze.num_rows == 536350
    assert len(set(zip(bronze["partition"].to_pylist(), bronze["offset"].to_pylist()))) == bronze.num_rows


def test_silver_and_gold_on_azurite_equal_the_local_run_and_the_independent_computation(real_runs, azurite):
    lake, _, local_lake, _ = real_runs
    silver = az_table(azurite, lake, "silver/pedidos").to_pyarrow_table()
    local_silver = deltalake.DeltaTable(str(local_lake / "silver/pedidos")).to_pyarrow_table()
    assert silver_rows(silver) == silver_rows(local_silver) == \
        collections.Counter(order_reference.distinct_rows(DATA_CSV))
    daily = gold_daily(az_table(azurite, lake, "gold/daily_sales").to_pyarrow_table())
    assert daily == gold_daily(deltalake.DeltaTable(str(local_lake / "gold/daily_sales")).to_pyarrow_table())
    expected = order_reference.daily_sales(order_reference.distinct_rows(DATA_CSV))
    assert {k: (e["transactions"], e["lines"], e["units"], e["customers"], e["gross"], e["cancelled"], e["net"])
            for k, e in expected.items()} == daily
    summary = az_table(azurite, lake, "gold/country_summary").to_pyarrow_table().to_pylist()
    local_summary = deltalake.DeltaTable(str(local_lake / "gold/country_summary")).to_pyarrow_table().to_pylist()
    assert sorted(summary, key=lambda r: str(r["country"])) == sorted(local_summary, key=lambda r: str(r["country"]))


def test_two_writer_processes_commit_to_one_azure_table_and_lose_nothing(azurite):
    """Two processes of our Delta writer race for the same versions of one table on Azurite:
    every commit lands at its own version and every row is there exactly once."""
    if not os.path.exists(DELTA_APPEND):
        pytest.skip(f"{DELTA_APPEND} is not built (cmake --build build --target delta_append)")
    lake = new_lake("race")
    env = azurite.jsm_env()
    create = subprocess.run([DELTA_APPEND, "--root", lake, "--table", "race", "--commits", "0"], env=env,
                            capture_output=True, text=True, timeout=300)
    assert create.returncode == 0, create.stderr
    commits = 15
    writers = [subprocess.Popen([DELTA_APPEND, "--root", lake, "--table", "race", "--commits", str(commits),
                                 "--rows", "3", "--writer", w], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for w in ("a", "b")]
    outputs = [w.communicate(timeout=600) for w in writers]
    for w, (out, err) in zip(writers, outputs):
        assert w.returncode == 0, err
    versions = [int(line.split()[1]) for out, _ in outputs for line in out.splitlines()
                if line.startswith("committed")]
    assert sorted(versions) == list(range(1, 2 * commits + 1)), "a version was lost or taken twice"
    table = az_table(azurite, lake, "race")
    assert table.version() == 2 * commits
    rows = table.to_pyarrow_table()
    keys = list(zip(rows["writer"].to_pylist(), rows["seq"].to_pylist()))
    assert len(keys) == len(set(keys)) == 2 * commits * 3


def test_jsm_run_and_jsm_table_optimize_commit_to_silver_concurrently(azurite, tmp_path):
    """`jsm run` appends to silver while another jsm process compacts it: no row lost or doubled."""
    lake = new_lake("concurrent")
    env = azurite.jsm_env()
    config = tmp_path / "small.toml"
    config.write_text("[ingest]\ncommit_messages = 5000\ncommit_interval_ms = 100\n[refine]\nmax_rows = 5000\n")
    run = subprocess.Popen([JSM, "run", "--config", str(config), "--synthetic", "60000", "--seed", "11", "--until-drained",
                            "--lakehouse", lake], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    optimizations = 0
    try:
        wait_for(lambda: run.poll() is not None or silver_version(azurite, lake) >= 2, 300, "silver to exist")
        while run.poll() is None:
            proc = run_jsm("table", "optimize", "silver/pedidos", "--lakehouse", lake, check=False, env=env)
            assert proc.returncode == 0 or "conflict" in proc.stderr.lower(), proc.stderr
            optimizations += proc.returncode == 0
        out, err = run.communicate(timeout=600)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 0, err
    books = reconciliation(out)
    silver = az_table(azurite, lake, "silver/pedidos").to_pyarrow_table()
    ids = silver["_record_id"].to_pylist()
    assert len(ids) == len(set(ids)) == books["silver rows"]
    assert optimizations >= 1, "optimize never committed while the run was going"


def silver_version(emulator, lake):
    try:
        return az_table(emulator, lake, "silver/pedidos").version()
    except Exception:  # not created yet
        return -1


def test_azurite_restart_mid_run_retries_resumes_and_loses_nothing(azurite, tmp_path):
    if not DATA_CSV.exists():
        pytest.skip(f"real data file {DATA_CSV} is absent (set JSM_DATA_CSV to run this test)")
    lake = new_lake("restart")
    config = tmp_path / "small-batches.toml"
    config.write_text("[ingest]\ncommit_messages = 20000\ncommit_interval_ms = 200\n[refine]\nmax_rows = 40000\n")
    broker = Broker()
    try:
        run_jsm("produce", "--bootstrap", broker.bootstrap, "--input", DATA_CSV)
        run = subprocess.Popen([JSM, "run", "--config", str(config), "--bootstrap", broker.bootstrap, "--lakehouse", lake,
                                "--available-now"], env=azurite.jsm_env(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        try:
            wait_for(lambda: run.poll() is not None or silver_version(azurite, lake) >= 3, 600,
                     "the run to commit to silver on Azurite")
            assert run.poll() is None, "jsm run ended before Azurite could be stopped"
            azurite.stop()
            # The outage lasts OUTAGE_SECONDS (several retry rounds of the store), watching that jsm keeps going.
            outage_ends = time.monotonic() + OUTAGE_SECONDS
            while time.monotonic() < outage_ends and run.poll() is None:
                time.sleep(0.1)
            assert run.poll() is None, "jsm run gave up while Azurite was down: " + run.stderr.read()[-4000:]
            azurite.start()
            out, err = run.communicate(timeout=1200)
        finally:
            if run.poll() is None:
                run.kill()
    finally:
        broker.stop()
    assert run.returncode == 0, err[-4000:]
    assert '"storage request retried"' in err, "the outage caused no retry: it did not happen mid-run"
    bronze = az_table(azurite, lake, "bronze/pedidos").to_pyarrow_table()
    coords = list(zip(bronze["partition"].to_pylist(), bronze["offset"].to_pylist()))
    assert len(coords) == len(set(coords)) == 536350, "bronze lost or doubled a message"
    silver = az_table(azurite, lake, "silver/pedidos").to_pyarrow_table()
    ids = silver["_record_id"].to_pylist()
    assert len(ids) == len(set(ids)), "silver holds a duplicate"
    distinct = order_reference.distinct_rows(DATA_CSV)
    assert silver_rows(silver) == collections.Counter(distinct)
    expected = order_reference.daily_sales(distinct)
    daily = gold_daily(az_table(azurite, lake, "gold/daily_sales").to_pyarrow_table())
    assert {k: (e["transactions"], e["lines"], e["units"], e["customers"], e["gross"], e["cancelled"], e["net"])
            for k, e in expected.items()} == daily


def test_jsm_table_history_optimize_checkpoint_vacuum_on_an_az_table(azurite, tmp_path):
    lake = new_lake("tablecmd")
    env = azurite.jsm_env()
    config = tmp_path / "small.toml"  # small commits: many small files for optimize to compact
    config.write_text("[ingest]\ncommit_messages = 2000\ncommit_interval_ms = 50\n[refine]\nmax_rows = 2000\n")
    run_jsm("run", "--config", config, "--synthetic", 20000, "--seed", 3, "--until-drained", "--lakehouse", lake,
            env=env)
    rows_before = az_table(azurite, lake, "silver/pedidos").to_pyarrow_table().num_rows
    quality = run_jsm("quality", "report", "--lakehouse", lake, env=env)
    assert "no expectation results" not in quality.stdout, quality.stdout
    history = run_jsm("table", "history", "silver/pedidos", "--lakehouse", lake, "--format", "json", env=env)
    assert history.stdout.strip()
    optimize = run_jsm("table", "optimize", "silver/pedidos", "--lakehouse", lake, env=env)
    run_jsm("table", "checkpoint", f"{lake}/silver/pedidos", env=env)
    # Time travel on Azure: our reader and delta-rs agree on an older version's rows.
    old_rows = run_jsm("table", "show", "silver/pedidos", "--lakehouse", lake, "--version", "2", "--limit", "0",
                       "--format", "json", env=env).stdout.splitlines()
    assert len(old_rows) == az_table(azurite, lake, "silver/pedidos", version=2).to_pyarrow_table().num_rows > 0
    vacuum = run_jsm("table", "vacuum", "silver/pedidos", "--lakehouse", lake, "--retain-hours", "0", "--force",
                     env=env)
    table = az_table(azurite, lake, "silver/pedidos")
    assert table.to_pyarrow_table().num_rows == rows_before
    assert any(h.get("operation") == "OPTIMIZE" for h in table.history()), optimize.stdout
    describe = run_jsm("table", "describe", "silver/pedidos", "--lakehouse", lake, env=env)
    assert "version" in describe.stdout.lower()
    assert vacuum.returncode == 0
    # Vacuum with no retention deleted the compacted files: the old version is gone, and the error names the blob.
    gone = run_jsm("table", "show", "silver/pedidos", "--lakehouse", lake, "--version", "2", env=env, check=False)
    assert gone.returncode != 0 and "BlobNotFound" in gone.stderr, gone.stderr


def test_read_only_commands_never_create_a_container(azurite):
    """A typo in the container of an az:// lakehouse: `jsm table`, `jsm quality` refuse it naming the
    container (exit 4), and leave no container behind (`jsm run`, the only creator, would then find none)."""
    lake = new_lake("typo")
    env = azurite.jsm_env()
    container = lake[len("az://"):].split("/")[0]
    quality = run_jsm("quality", "report", "--lakehouse", lake, "--min-pass-rate", 0.5, env=env, check=False,
                      timeout=120)
    assert quality.returncode == 4, quality.stdout + quality.stderr
    assert "not_found" in quality.stderr and container in quality.stderr, quality.stderr
    describe = run_jsm("table", "describe", "silver/pedidos", "--lakehouse", lake, env=env, check=False, timeout=120)
    assert describe.returncode == 4 and container in describe.stderr, describe.stderr
    # Still no container: a second read-only command meets the same refusal, not an empty lakehouse.
    again = run_jsm("quality", "report", "--lakehouse", lake, "--min-pass-rate", 0.5, env=env, check=False,
                    timeout=120)
    assert again.returncode == 4 and "not_found" in again.stderr, again.stderr
