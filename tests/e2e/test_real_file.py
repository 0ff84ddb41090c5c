"""The real order file end to end through the embedded broker, checked against
an independent computation from the CSV and read back by delta-rs and pyarrow."""

import collections
import decimal

import deltalake
import pytest

from conftest import reconciliation, run_jsm
from e2e import order_reference


@pytest.fixture(scope="module")
def real_run(tmp_path_factory):
    from conftest import DATA_CSV
    if not DATA_CSV.exists():
        pytest.skip(f"real data file {DATA_CSV} is absent (set JSM_DATA_CSV to run this test)")
    lakehouse = tmp_path_factory.mktemp("real") / "lakehouse"
    proc = run_jsm("run", "--input", DATA_CSV, "--until-drained", "--lakehouse", lakehouse, timeout=900)
    return lakehouse, proc.stdout, DATA_CSV


def table(lakehouse, name):
    return deltalake.DeltaTable(str(lakehouse / name)).to_pyarrow_table()


def test_reconciliation_balances_and_accounts_for_every_line(real_run):
    lakehouse, stdout, csv_path = real_run
    books = reconciliation(stdout)
    rows = list(order_reference.normalized_rows(csv_path))
    distinct = order_reference.distinct_rows(csv_path)
    assert books["produced"] == len(rows) == 536350
    assert books["bronze messages"] == len(rows)
    assert books["dead-lettered"] == 0
    assert books["quarantined"] == 0
    assert books["silver rows"] == len(distinct)
    assert books["duplicates removed"] == len(rows) - len(distinct)
    assert "balanced" in stdout


def test_bronze_holds_every_message_exactly_once(real_run):
    lakehouse, _, _ = real_run
    bronze = table(lakehouse, "bronze/pedidos")
    assert bronze.num_rows == 536350
    coords = set(zip(bronze["partition"].to_pylist(), bronze["offset"].to_pylist()))
    assert len(coords) == bronze.num_rows


def test_silver_is_the_distinct_normalized_rows(real_run):
    lakehouse, _, csv_path = real_run
    silver = table(lakehouse, "silver/pedidos")
    expected = collections.Counter(order_reference.distinct_rows(csv_path))
    got = collections.Counter(zip(
        silver["transaction_no"].to_pylist(), silver["order_date"].to_pylist(), silver["product_no"].to_pylist(),
        silver["product_name"].to_pylist(), silver["unit_price"].to_pylist(), silver["quantity"].to_pylist(),
        silver["customer_no"].to_pylist(), silver["country"].to_pylist()))
    assert got == expected
    assert len(set(silver["_record_id"].to_pylist())) == silver.num_rows


def test_gold_daily_sales_equal_independent_computation(real_run):
    lakehouse, _, csv_path = real_run
    expected = order_reference.daily_sales(order_reference.distinct_rows(csv_path))
    gold = table(lakehouse, "gold/daily_sales").to_pylist()
    got = {(r["order_date"], r["country"]): r for r in gold}
    assert set(got) == set(expected)
    for key, e in expected.items():
        g = got[key]
        assert (g["transactions"], g["lines"], g["units"], g["customers"]) == \
            (e["transactions"], e["lines"], e["units"], e["customers"]), key
        assert (g["gross_revenue"], g["cancelled_revenue"], g["net_revenue"]) == \
            (e["gross"], e["cancelled"], e["net"]), key


def test_gold_sums_per_day_and_per_country(real_run):
    lakehouse, _, csv_path = real_run
    expected = order_reference.daily_sales(order_reference.distinct_rows(csv_path))
    per_day, per_country = collections.defaultdict(decimal.Decimal), collections.defaultdict(decimal.Decimal)
    for (day, country), e in expected.items():
        per_day[day] += e["net"]
        per_country[country] += e["net"]
    gold = table(lakehouse, "gold/daily_sales").to_pylist()
    got_day, got_country = collections.defaultdict(decimal.Decimal), collections.defaultdict(decimal.Decimal)
    for r in gold:
        got_day[r["order_date"]] += r["net_revenue"]
        got_country[r["country"]] += r["net_revenue"]
    assert got_day == per_day
    assert got_country == per_country
    summary = {r["country"]: r for r in table(lakehouse, "gold/country_summary").to_pylist()}
    assert {c: r["net_revenue"] for c, r in summary.items()} == dict(per_country)
