"""More of "everything works the same on Azure" (issue 8), on Azurite with slices of the real file:
`jsm erase --customer` on an az:// lakehouse; a backfill (`--from-bronze-version V`) and a gold
`--full-refresh` on az:// giving the same silver and gold as on a local lakehouse; and the dead-letter
round trip (`jsm dlq list` / `replay --set`, parking in `_system/dlq_parked`) with the lakehouse on
az:// and a real Kafka broker. delta-rs reads every table from the emulator."""

import collections
import decimal
import json
import pathlib
import uuid

import deltalake
import pyarrow.compute as pc
import pytest

from conftest import DATA_CSV, Broker, reconciliation, run_jsm
from e2e.azurite_fixture import azurite, env_without_azure  # noqa: F401  (azurite: a session fixture)
from e2e.test_dlq_real_kafka import GOOD, NOT_JSON, TEXT_QUANTITY, produce_raw

PRODUCT = "85123A"
NEW_NAME = "Backfill Renamed Heart Holder"
GOLD = ("daily_sales", "product_performance", "country_summary", "customer_rfm", "monthly_kpis")


def new_lake(name):
    """A fresh az:// lakehouse in its own container."""
    return f"az://{name}-{uuid.uuid4().hex[:12]}/lakehouse"


def open_table(emulator, lake, name, version=None):
    """A table of an az:// lakehouse (delta-rs with the emulator settings) or of a local one."""
    if str(lake).startswith("az://"):
        return deltalake.DeltaTable(f"{lake}/{name}", storage_options=emulator.storage_options, version=version)
    return deltalake.DeltaTable(str(pathlib.Path(lake) / name), version=version)


def rows(emulator, lake, name, version=None):
    return open_table(emulator, lake, name, version).to_pyarrow_table()


def customer_of(raw_value):
    """CustomerNo of a raw bronze message, as the pipeline normalizes it (None when absent)."""
    try:
        value = json.loads(raw_value).get("CustomerNo")
    except (ValueError, AttributeError):
        return None
    text = None if value is None else str(value).strip()
    return None if text in (None, "", "NA") else text


def slice_of_real_file(tmp_path, name, start, stop):
    """Lines [start, stop) of the real file's body, with its header, as a CSV in tmp_path."""
    if not DATA_CSV.exists():
        pytest.skip(f"real data file {DATA_CSV} is absent (set JSM_DATA_CSV to run this test)")
    with DATA_CSV.open(encoding="utf-8") as f:
        lines = f.readlines()
    path = tmp_path / name
    path.write_text(lines[0] + "".join(lines[1 + start:1 + stop]), encoding="utf-8")
    return path


def gold_numbers(emulator, lake):
    """Every gold table as sorted rows, and the silver row count."""
    gold = {name: sorted(rows(emulator, lake, "gold/" + name).to_pylist(), key=repr) for name in GOLD}
    return rows(emulator, lake, "silver/pedidos").num_rows, gold


# (a) erase ------------------------------------------------------------------------------------------------------

def test_erase_a_customer_on_azure(azurite, tmp_path):
    csv = slice_of_real_file(tmp_path, "slice.csv", 0, 20000)
    lake = new_lake("erase")
    env = azurite.jsm_env()
    books = reconciliation(run_jsm("run", "--input", csv, "--until-drained", "--lakehouse", lake, env=env).stdout)
    assert books["produced"] == books["bronze messages"] == 20000

    silver_before = rows(azurite, lake, "silver/pedidos")
    bronze_before = rows(azurite, lake, "bronze/pedidos")
    quarantine_before = rows(azurite, lake, "silver/pedidos_quarantine")
    customers = collections.Counter(c for c in silver_before["customer_no"].to_pylist() if c)
    victim = customers.most_common(1)[0][0]
    silver_version = open_table(azurite, lake, "silver/pedidos").version()
    daily_before = rows(azurite, lake, "gold/daily_sales").to_pylist()
    countries_before = rows(azurite, lake, "gold/country_summary").to_pylist()
    rfm_before = set(rows(azurite, lake, "gold/customer_rfm")["customer_no"].to_pylist())

    dry = json.loads(run_jsm("erase", "--customer", victim, "--lakehouse", lake, "--dry-run", "--format", "json",
                             env=env).stdout)
    assert all(t["version"] == -1 for t in dry["tables"])
    assert open_table(azurite, lake, "silver/pedidos").version() == silver_version
    # The erase itself takes the lakehouse and its credentials from a config file alone.
    config = azurite.write_config(tmp_path / "jsm.toml", lake)
    report = json.loads(run_jsm("erase", "--customer", victim, "--config", config, "--format", "json",
                                env=env_without_azure()).stdout)
    by_table = {t["table"]: t for t in report["tables"]}
    silver = rows(azurite, lake, "silver/pedidos")
    bronze = rows(azurite, lake, "bronze/pedidos")
    quarantine = rows(azurite, lake, "silver/pedidos_quarantine")

    # Gone from bronze, silver and quarantine.
    assert victim not in set(silver["customer_no"].to_pylist())
    assert victim not in {customer_of(v) for v in bronze["value"].to_pylist()}
    assert victim not in {customer_of(v) for v in quarantine["value"].to_pylist()}
    victim_messages = sum(customer_of(v) == victim for v in bronze_before["value"].to_pylist())
    assert bronze.num_rows == bronze_before.num_rows - victim_messages
    assert by_table["bronze/pedidos"]["rows_deleted"] == victim_messages
    assert by_table["silver/pedidos"]["rows_deleted"] == customers[victim]
    assert quarantine.num_rows == quarantine_before.num_rows - by_table["silver/pedidos_quarantine"]["rows_deleted"]
    # Every other customer's rows unchanged.
    others = pc.invert(pc.fill_null(pc.equal(silver_before["customer_no"], victim), False))
    kept = silver_before.filter(others)
    assert sorted(silver["_record_id"].to_pylist()) == sorted(kept["_record_id"].to_pylist())
    assert pc.sum(silver["line_total"]).as_py() == pc.sum(kept["line_total"]).as_py()
    # Gold recomputed from what is left: it reconciles with silver, and the victim is not in customer_rfm.
    assert report["gold_recomputed"]
    daily = rows(azurite, lake, "gold/daily_sales")
    assert pc.sum(daily["net_revenue"]).as_py() == pc.sum(silver["line_total"]).as_py()
    assert pc.sum(daily["lines"]).as_py() == pc.sum(pc.invert(silver["is_cancellation"])).as_py()
    # The gold figures of every day and country the customer never bought in are unchanged.
    victim_rows = silver_before.filter(pc.fill_null(pc.equal(silver_before["customer_no"], victim), False)).to_pylist()
    victim_days = {(r["order_date"], r["country"]) for r in victim_rows}
    victim_countries = {r["country"] for r in victim_rows}

    def untouched_days(table_rows):
        return sorted((r for r in table_rows if (r["order_date"], r["country"]) not in victim_days), key=repr)

    def untouched_countries(table_rows):
        return sorted((r for r in table_rows if r["country"] not in victim_countries), key=repr)

    assert untouched_days(daily.to_pylist()) == untouched_days(daily_before)
    assert untouched_countries(rows(azurite, lake, "gold/country_summary").to_pylist()) == \
        untouched_countries(countries_before)
    assert len(untouched_countries(countries_before)) > 0
    rfm_after = set(rows(azurite, lake, "gold/customer_rfm")["customer_no"].to_pylist())
    assert victim in rfm_before and rfm_after == rfm_before - {victim}
    # One DELETE commit on Azure; time travel still shows the customer (until VACUUM).
    assert open_table(azurite, lake, "silver/pedidos").history(1)[0]["operation"] == "DELETE"
    old = rows(azurite, lake, "silver/pedidos", silver_version)
    assert old["customer_no"].to_pylist().count(victim) == customers[victim]
    # The erase is in the event log on Azure, without the customer's number.
    log = [r for r in rows(azurite, lake, "_system/event_log").to_pylist() if r["stage"] == "erase"]
    assert {r["target_table"] for r in log} >= {"bronze/pedidos", "silver/pedidos"}
    assert victim not in json.dumps(log, default=str)


# (b) backfill and full refresh --------------------------------------------------------------------------------

def backfill(emulator, bootstrap, lake, topic, first, rest, config, env):
    """The docs/airflow.md backfill on one lakehouse: `first` through the pipeline, `rest` to bronze only,
    then a product-name override in `config`, a rebuild from bronze as of the version after `first`, and a
    full refresh of gold. Returns the numbers after the rebuild and after the refresh, and the bronze
    version rebuilt from."""
    common = ["--bootstrap", bootstrap, "--topic", topic, "--lakehouse", lake]
    run_jsm("--log-level", "warn", "produce", "--bootstrap", bootstrap, "--topic", topic, "--input", first)
    run_jsm("--log-level", "warn", "run", *common, "--available-now", env=env)
    v = open_table(emulator, lake, "bronze/pedidos").version()
    run_jsm("--log-level", "warn", "produce", "--bootstrap", bootstrap, "--topic", topic, "--input", rest)
    run_jsm("--log-level", "warn", "run", *common, "--stage", "ingest", "--available-now", env=env)
    assert open_table(emulator, lake, "bronze/pedidos").version() > v
    # A version bronze does not have is refused, and nothing is written.
    silver_version = open_table(emulator, lake, "silver/pedidos").version()
    refused = run_jsm("run", "--config", config, *common, "--stage", "refine", "--from-bronze-version", 10**6,
                      "--available-now", check=False, env=env)
    assert refused.returncode == 4 and "has versions 0 to" in refused.stderr, refused.stdout + refused.stderr
    assert open_table(emulator, lake, "silver/pedidos").version() == silver_version
    rebuilt = run_jsm("run", "--config", config, *common, "--from-bronze-version", v, "--available-now", env=env)
    assert f"rebuilt from bronze version {v}" in rebuilt.stdout
    silver = rows(emulator, lake, "silver/pedidos")
    names = {n for p, n in zip(silver["product_no"].to_pylist(), silver["product_name"].to_pylist()) if p == PRODUCT}
    assert names == {NEW_NAME}
    after_rebuild = gold_numbers(emulator, lake)
    versions = {name: open_table(emulator, lake, "gold/" + name).version() for name in GOLD}
    refreshed = run_jsm("run", "--config", config, *common, "--stage", "aggregate", "--full-refresh", "--available-now", env=env)
    assert '"full refresh table"' in refreshed.stderr
    for name in GOLD:
        assert open_table(emulator, lake, "gold/" + name).version() == versions[name] + 1, name
    return after_rebuild, gold_numbers(emulator, lake), v


def test_backfill_and_full_refresh_on_azure_match_a_local_lakehouse(azurite, tmp_path):
    first = slice_of_real_file(tmp_path, "first.csv", 0, 12000)
    rest = slice_of_real_file(tmp_path, "rest.csv", 12000, 20000)
    (tmp_path / "overrides.csv").write_text(f"product_no,product_name\n{PRODUCT},{NEW_NAME}\n")
    config = tmp_path / "backfill.toml"
    config.write_text('[normalization]\nproduct_name_overrides = "overrides.csv"\n[refine]\nmax_rows = 4000\n')
    broker = Broker()
    try:
        az_lake = new_lake("backfill")
        azure = backfill(azurite, broker.bootstrap, az_lake, "backfill-az", first, rest, config,
                         azurite.jsm_env())
        local = backfill(azurite, broker.bootstrap, tmp_path / "lake", "backfill-local", first, rest, config,
                         None)
    finally:
        broker.stop()
    (az_rebuild, az_refresh, az_v), (local_rebuild, local_refresh, local_v) = azure, local
    assert az_v == local_v
    # After the rebuild: silver holds the first part (rows after V are not refined yet) on both.
    assert az_rebuild == local_rebuild
    assert az_rebuild[0] > 0 and all(az_rebuild[1][name] for name in GOLD)
    renamed = [r for r in az_rebuild[1]["product_performance"] if r["product_no"] == PRODUCT]
    assert [r["product_name"] for r in renamed] == [NEW_NAME]
    # The full refresh rewrites gold with the same numbers on both.
    assert az_refresh == local_refresh == az_rebuild
    net = sum((r["net_revenue"] for r in az_refresh[1]["daily_sales"]), decimal.Decimal(0))
    assert net == pc.sum(rows(azurite, az_lake, "silver/pedidos")["line_total"]).as_py()


# (c) dead letters ---------------------------------------------------------------------------------------------

def test_dead_letter_round_trip_with_the_lakehouse_on_azure(azurite, real_kafka, tmp_path):
    """Here the lakehouse and its credentials come from a config file alone ([lakehouse] uri and
    [storage.azure]; no --lakehouse, no AZURE_* variable), as a scheduler would run these commands."""
    bootstrap = real_kafka.bootstrap
    lake = new_lake("dlq")
    config = azurite.write_config(tmp_path / "jsm.toml", lake)
    env = env_without_azure()
    topic = "dlq-azure-" + uuid.uuid4().hex[:8]

    def jsm_dlq(*args, check=True):
        return run_jsm("--log-level", "warn", "dlq", *args, "--config", config, "--bootstrap", bootstrap,
                       "--topic", topic, timeout=180, check=check, env=env)

    def run_available_now():
        run_jsm("--log-level", "warn", "run", "--config", config, "--bootstrap", bootstrap, "--topic", topic,
                "--available-now", timeout=300, env=env)

    def pending():
        return [json.loads(line) for line in jsm_dlq("list", "--format", "json").stdout.splitlines() if line.strip()]

    def silver():
        return {r["transaction_no"]: r["quantity"] for r in rows(azurite, lake, "silver/pedidos").to_pylist()}

    run_jsm("--log-level", "warn", "topics", "ensure", "--bootstrap", bootstrap, "--topic", topic, timeout=120)
    produce_raw(bootstrap, topic, [(e["TransactionNo"], json.dumps(e)) for e in GOOD] +
                [("581476", json.dumps(TEXT_QUANTITY)), ("581478", NOT_JSON)])
    run_available_now()
    assert silver() == {"581482": 12, "581475": 36}
    listed = jsm_dlq("list").stdout
    assert "2 pending letter(s): not_json 1, wrong_type 1" in listed, listed

    fixed = jsm_dlq("replay", "--set", "Quantity=3", check=False)
    assert fixed.returncode == 3, fixed.stdout + fixed.stderr  # the non-JSON letter is reported, not guessed
    assert "replayed 1 to " + topic in fixed.stdout and "skipped 1" in fixed.stdout, fixed.stdout
    run_available_now()
    assert silver() == {"581482": 12, "581475": 36, "581476": 3}
    # Exactly once: a second replay replays nothing, another run adds nothing.
    again = jsm_dlq("replay", "--set", "Quantity=3", check=False)
    assert "replayed 0 to" in again.stdout, again.stdout
    run_available_now()
    assert len(rows(azurite, lake, "silver/pedidos")) == 3

    # The non-JSON letter fails on every replay and is parked after max_attempts (3), in a table on Azure.
    for attempt in (2, 3):
        assert "replayed 1 to" in jsm_dlq("replay").stdout
        run_available_now()
        assert [(l["reason"], l["attempts"]) for l in pending()] == [("not_json", attempt)]
    parked_out = jsm_dlq("replay").stdout
    assert "parked 1 in _system/dlq_parked" in parked_out, parked_out
    assert pending() == []
    parked = rows(azurite, lake, "_system/dlq_parked").to_pylist()
    assert [(p["key"], p["value"], p["reason"], p["attempts"]) for p in parked] == [("581478", NOT_JSON, "not_json", 3)]
    shown = run_jsm("table", "show", "_system/dlq_parked", "--config", config, "--format", "json",
                    "--columns", "key,reason", env=env).stdout
    assert [json.loads(line) for line in shown.splitlines()] == [{"key": "581478", "reason": "not_json"}]
    log = rows(azurite, lake, "_system/event_log").to_pylist()
    assert sorted(r["action"] for r in log if r["stage"] == "dlq") == ["park"] + ["replay"] * 3
    assert len(rows(azurite, lake, "silver/pedidos")) == 3
    everything = jsm_dlq("list", "--all", "--format", "json").stdout.splitlines()
    assert sorted(json.loads(line)["status"] for line in everything) == ["parked"] + ["replayed"] * 3, everything
