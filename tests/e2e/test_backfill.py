"""Backfill with the real file (docs/airflow.md, "Backfill"): the first part of the file runs through the
pipeline; the rest reaches bronze only; then a product-name override is added to the config and
`jsm run --from-bronze-version V --available-now` rebuilds silver, quarantine and gold from bronze AS OF V:
silver holds exactly a dedupe of the rows up to V with the new name, gold equals a Python recompute of
silver, delta-rs reads every table (and the old silver by time travel), `jsm table history` shows the
overwrite; an incremental run then adds exactly the rows after V, and `--full-refresh` rewrites every gold
table with the same numbers. A version that does not exist is refused before anything is written."""

import decimal
import json
import pathlib

import deltalake
import pytest

from conftest import DATA_CSV, run_jsm
from e2e import order_reference

GOLD = ("daily_sales", "product_performance", "country_summary", "customer_rfm", "monthly_kpis")
PRODUCT = "85123A"
NEW_NAME = "Backfill Renamed Heart Holder"


def table(lakehouse, name, version=None):
    return deltalake.DeltaTable(str(pathlib.Path(lakehouse) / name), version=version).to_pyarrow_table()


def expected_silver(csv_lines, header, tmp, name):
    """Normalized distinct rows of `csv_lines` the default expectations keep (order_reference), renamed."""
    path = tmp / name
    path.write_text(header + "".join(csv_lines), encoding="utf-8")
    rows = [r for r in order_reference.distinct_rows(path) if not order_reference.breaks_quality_rule(r)]
    return [r[:3] + ((NEW_NAME,) if r[2] == PRODUCT else (r[3],)) + r[4:] for r in rows]


def check_gold_equals_recompute(lakehouse):
    """daily_sales and product_performance equal a decimal recompute from silver as delta-rs reads it."""
    rows, _codes = order_reference.silver_rows(table(lakehouse, "silver/pedidos"))
    expected = order_reference.daily_sales(rows)
    got = {(r["order_date"], r["country"]): r for r in table(lakehouse, "gold/daily_sales").to_pylist()}
    assert set(got) == set(expected)
    for key, e in expected.items():
        g = got[key]
        assert (g["transactions"], g["lines"], g["units"], g["customers"], g["gross_revenue"],
                g["cancelled_revenue"], g["net_revenue"]) == \
            (e["transactions"], e["lines"], e["units"], e["customers"], e["gross"], e["cancelled"], e["net"]), key
    products = {r["product_no"]: r for r in table(lakehouse, "gold/product_performance").to_pylist()}
    reference = order_reference.product_performance(rows)
    assert set(products) == set(reference)
    for p, e in reference.items():
        assert (products[p]["product_name"], products[p]["net_revenue"], products[p]["units_sold"]) == \
            (e["product_name"], e["net_revenue"], e["units_sold"]), p
    return rows


def bronze_version(lakehouse):
    return deltalake.DeltaTable(str(pathlib.Path(lakehouse) / "bronze/pedidos")).version()


def test_rebuild_from_bronze_version_then_incremental_then_full_refresh(broker, tmp_path):
    if not DATA_CSV.exists():
        pytest.skip(f"real data file {DATA_CSV} is absent (set JSM_DATA_CSV to run this test)")
    lines = DATA_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    first, rest = body[:300000], body[300000:]
    (tmp_path / "first.csv").write_text(header + "".join(first), encoding="utf-8")
    (tmp_path / "rest.csv").write_text(header + "".join(rest), encoding="utf-8")
    lake = tmp_path / "lake"
    common = ["--bootstrap", broker.bootstrap, "--lakehouse", lake]

    # 1. The first part through the pipeline with the built-in tables.
    run_jsm("produce", "--bootstrap", broker.bootstrap, "--input", tmp_path / "first.csv")
    run_jsm("run", *common, "--available-now")
    v = bronze_version(lake)
    old_silver_version = deltalake.DeltaTable(str(lake / "silver/pedidos")).version()
    old_rows = table(lake, "silver/pedidos").num_rows
    assert PRODUCT in table(lake, "silver/pedidos").column("product_no").to_pylist()
    # 2. The rest reaches bronze only.
    run_jsm("produce", "--bootstrap", broker.bootstrap, "--input", tmp_path / "rest.csv")
    run_jsm("run", *common, "--stage", "ingest", "--available-now")
    assert bronze_version(lake) > v

    # 3. A normalization rule changes: a product-name override.
    (tmp_path / "overrides.csv").write_text(f"product_no,product_name\n{PRODUCT},{NEW_NAME}\n")
    config = tmp_path / "backfill.toml"
    config.write_text('[normalization]\nproduct_name_overrides = "overrides.csv"\n[refine]\nmax_rows = 50000\n')

    # A version bronze does not have is refused, and nothing is written.
    refused = run_jsm("run", "--config", config, *common, "--stage", "refine", "--from-bronze-version", 10**6,
                      "--available-now", check=False)
    assert refused.returncode == 4, refused.stdout + refused.stderr  # refused: retrying will not help
    assert "has versions 0 to" in refused.stderr
    assert deltalake.DeltaTable(str(lake / "silver/pedidos")).version() == old_silver_version

    # 4. Rebuild silver, quarantine and gold from bronze as of V.
    rebuilt = run_jsm("run", "--config", config, *common, "--from-bronze-version", v, "--available-now")
    assert f"rebuilt from bronze version {v}" in rebuilt.stdout
    assert '"rebuild progress"' in rebuilt.stderr  # a progress line per max_rows bronze rows
    assert '"rebuild commit"' in rebuilt.stderr
    expected_first = expected_silver(first, header, tmp_path, "first-again.csv")
    silver = table(lake, "silver/pedidos")
    assert silver.num_rows == len(expected_first) == old_rows
    names = {(p, n) for p, n in zip(silver.column("product_no").to_pylist(), silver.column("product_name").to_pylist())
             if p == PRODUCT}
    assert names == {(PRODUCT, NEW_NAME)}
    rows = check_gold_equals_recompute(lake)
    assert sorted(rows, key=repr) == sorted(expected_first, key=repr)
    for name in GOLD:
        assert table(lake, "gold/" + name).num_rows > 0, name
    table(lake, "silver/pedidos_quarantine")  # delta-rs reads it
    # The old silver is still there by time travel.
    old = table(lake, "silver/pedidos", version=old_silver_version)
    assert old.num_rows == old_rows and NEW_NAME not in old.column("product_name").to_pylist()
    history = run_jsm("table", "history", "silver/pedidos", "--lakehouse", lake, "--format", "json").stdout
    newest = json.loads(history.splitlines()[0]) if history.lstrip().startswith("{") else json.loads(history)[0]
    assert "WRITE" in json.dumps(newest) and "Overwrite" in json.dumps(newest), newest

    # 5. An incremental run adds exactly the rows after V (the new rule applies to them too).
    run_jsm("run", "--config", config, *common, "--available-now")
    expected_all = expected_silver(body, header, tmp_path, "all-again.csv")
    silver = table(lake, "silver/pedidos")
    assert silver.num_rows == len(expected_all)
    rows = check_gold_equals_recompute(lake)
    assert sorted(rows, key=repr) == sorted(expected_all, key=repr)

    # 6. A full refresh of gold: every gold table gets one more commit, with the same numbers.
    before = {name: deltalake.DeltaTable(str(lake / "gold" / name)).version() for name in GOLD}
    daily_before = sorted(table(lake, "gold/daily_sales").to_pylist(), key=repr)
    refreshed = run_jsm("run", "--config", config, *common, "--stage", "aggregate", "--full-refresh",
                        "--available-now")
    assert '"full refresh table"' in refreshed.stderr
    for name in GOLD:
        assert deltalake.DeltaTable(str(lake / "gold" / name)).version() == before[name] + 1, name
    assert sorted(table(lake, "gold/daily_sales").to_pylist(), key=repr) == daily_before
    net = sum(r["net_revenue"] for r in table(lake, "gold/daily_sales").to_pylist())
    assert net == sum((r[4] * r[5] for r in expected_all), decimal.Decimal(0))
