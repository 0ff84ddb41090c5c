"""Money cannot overflow (issue 13, point 2), on the embedded broker: 500 order lines of Price
99999.99 x Quantity 2147483647 (each passes every expectation: silver holds 214748364678525.53) among
real orders used to sum, in int64 cents, to a wrapped `gold net revenue -77093269124513751.16` that
was called balanced. Now gold's money is DECIMAL(28,2), summed exactly:

- every gold money column equals the sum computed with Python's decimal module from the input
  (tests/e2e/order_reference.py, not our code), read by delta-rs, by pyarrow (validate(full=True))
  and by Spark, and has the type decimal(28,2);
- a line whose Price or Price x Quantity silver's DECIMAL(18,2) cannot hold is quarantined with the
  reason unit_price_in_range / line_total_in_range, not wrapped and not lost;
- the books print silver's and gold's net revenue, equal to the cent, and balance.
"""

import csv
import datetime
import decimal
import itertools

import deltalake
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import DATA_CSV, reconciliation, run_jsm
from e2e import order_reference

REAL_LINES = 3000
EXTREME_LINES = 500
EXTREME = {"Date": "12/9/2019", "ProductNo": "22485", "ProductName": "Set Of 2 Wooden Market Crates",
           "Price": "99999.99", "Quantity": "2147483647", "CustomerNo": "17490", "Country": "United Kingdom"}
# Price x Quantity beyond DECIMAL(18,2) (1e21 cents), and a price beyond it (2e18 cents, still an int64).
LINE_TOTAL_TOO_BIG = dict(EXTREME, TransactionNo="5999001", Price="5000000000000", Quantity="2000000")
PRICE_TOO_BIG = dict(EXTREME, TransactionNo="5999002", Price="20000000000000000", Quantity="1")
SILVER_LIMIT = decimal.Decimal("9999999999999999.99")
MONEY = pa.decimal128(28, 2)
GOLD = ["daily_sales", "product_performance", "country_summary", "customer_rfm", "monthly_kpis"]


@pytest.fixture(scope="module")
def money_run(tmp_path_factory):
    if not DATA_CSV.exists():
        pytest.skip(f"real data file {DATA_CSV} is absent (set JSM_DATA_CSV to run this test)")
    tmp = tmp_path_factory.mktemp("money")
    path = tmp / "orders.csv"
    with open(DATA_CSV, newline="", encoding="utf-8") as source, open(path, "w", newline="", encoding="utf-8") as out:
        reader = csv.reader(source)
        writer = csv.writer(out)
        header = next(reader)
        writer.writerow(header)
        real = list(itertools.islice(reader, REAL_LINES))
        # The extreme lines in the middle of the real ones, each its own order (no repeats to remove).
        for row in real[:REAL_LINES // 2]:
            writer.writerow(row)
        for i in range(EXTREME_LINES):
            writer.writerow([{**EXTREME, "TransactionNo": str(5900000 + i)}[name] for name in header])
        for line in (LINE_TOTAL_TOO_BIG, PRICE_TOO_BIG):
            writer.writerow([line[name] for name in header])
        for row in real[REAL_LINES // 2:]:
            writer.writerow(row)
    lakehouse = tmp / "lakehouse"
    proc = run_jsm("run", "--input", path, "--until-drained", "--lakehouse", lakehouse, timeout=900)
    rows = order_reference.distinct_rows(path)
    in_range = [r for r in rows if abs(r[4]) <= SILVER_LIMIT and abs(r[4] * r[5]) <= SILVER_LIMIT]
    expected_silver = [r for r in in_range if not order_reference.breaks_quality_rule(r)]
    return {"lakehouse": lakehouse, "stdout": proc.stdout, "silver": expected_silver,
            "produced": REAL_LINES + EXTREME_LINES + 2}


def gold_table(run, name):
    return deltalake.DeltaTable(str(run["lakehouse"] / "gold" / name)).to_pyarrow_table()


def expected_net(run):
    return sum((r[4] * r[5] for r in run["silver"]), decimal.Decimal(0))


def test_the_books_balance_in_money_printing_silver_and_gold_net_revenue(money_run):
    books = reconciliation(money_run["stdout"])
    assert "balanced: bronze = silver + quarantine + dead letters + duplicates; gold = silver" in money_run["stdout"]
    assert books["produced"] == money_run["produced"]
    net = expected_net(money_run)
    assert net > 2 ** 63 / 100  # beyond what int64 cents hold: the old code wrapped here
    assert books["silver net revenue"] == books["gold net revenue"] == str(net)
    assert books["silver rows"] == len(money_run["silver"])


def test_gold_daily_sales_equal_the_decimal_sums_of_the_input(money_run):
    expected = order_reference.daily_sales(money_run["silver"])
    got = {(r["order_date"], r["country"]): r for r in gold_table(money_run, "daily_sales").to_pylist()}
    assert set(got) == set(expected)
    for key, e in expected.items():
        g = got[key]
        assert (g["gross_revenue"], g["cancelled_revenue"], g["net_revenue"]) == (e["gross"], e["cancelled"], e["net"]), key
        assert g["lines"] == e["lines"], key
    extreme_day = got[(datetime.date(2019, 12, 9), "United Kingdom")]
    assert extreme_day["net_revenue"] > decimal.Decimal(EXTREME["Price"]) * int(EXTREME["Quantity"]) * EXTREME_LINES


def test_gold_monthly_kpis_and_customer_money_equal_the_decimal_sums(money_run):
    expected = order_reference.monthly_kpis(money_run["silver"])
    got = {r["month"]: r for r in gold_table(money_run, "monthly_kpis").to_pylist()}
    assert set(got) == set(expected)
    for month, e in expected.items():
        for column in ("gross_revenue", "cancelled_revenue", "net_revenue", "average_order_value"):
            assert got[month][column] == e[column], (month, column)
    rfm = {r["customer_no"]: r["monetary"] for r in gold_table(money_run, "customer_rfm").to_pylist()}
    customer = decimal.Decimal(0)
    for t, d, p, name, price, qty, cust, country in money_run["silver"]:
        if cust == EXTREME["CustomerNo"]:
            customer += price * qty
    assert rfm[EXTREME["CustomerNo"]] == customer
    products = {r["product_no"]: r for r in gold_table(money_run, "product_performance").to_pylist()}
    product = sum((r[4] * r[5] for r in money_run["silver"] if r[2] == EXTREME["ProductNo"]), decimal.Decimal(0))
    assert products[EXTREME["ProductNo"]]["net_revenue"] == product
    assert products[EXTREME["ProductNo"]]["revenue_rank"] == 1


def test_gold_money_columns_are_decimal_28_2_for_delta_rs_and_pyarrow(money_run):
    for name in GOLD:
        dt = deltalake.DeltaTable(str(money_run["lakehouse"] / "gold" / name))
        schema = dt.to_pyarrow_table().schema
        money = [f.name for f in schema if pa.types.is_decimal(f.type)]
        assert money, name
        assert all(schema.field(column).type == MONEY for column in money), (name, schema)
        for uri in dt.file_uris():
            data = pq.read_table(uri)
            data.validate(full=True)
            assert data.schema.field(money[0]).type == MONEY
            physical = pq.ParquetFile(uri).schema.column(data.schema.get_field_index(money[0]))
            assert (physical.physical_type, physical.length) == ("FIXED_LEN_BYTE_ARRAY", 12), name


def test_an_amount_silver_cannot_hold_is_quarantined_with_its_reason(money_run):
    quarantine = deltalake.DeltaTable(str(money_run["lakehouse"] / "silver/pedidos_quarantine")).to_pyarrow_table()
    by_transaction = {r["transaction_no"]: r for r in quarantine.to_pylist()}
    line_total = by_transaction[LINE_TOTAL_TOO_BIG["TransactionNo"]]
    assert line_total["broken_rules"] == "line_total_in_range"
    assert line_total["unit_price"] == decimal.Decimal("5000000000000.00")
    assert '"Quantity":2000000' in line_total["value"]
    price = by_transaction[PRICE_TOO_BIG["TransactionNo"]]
    assert price["broken_rules"] == "unit_price_in_range"
    assert price["unit_price"] is None  # DECIMAL(18,2) cannot hold it; `value` keeps it
    assert "20000000000000000" in price["value"]
    silver = deltalake.DeltaTable(str(money_run["lakehouse"] / "silver/pedidos")).to_pyarrow_table(
        columns=["transaction_no", "line_total"]).to_pylist()
    assert not {LINE_TOTAL_TOO_BIG["TransactionNo"], PRICE_TOO_BIG["TransactionNo"]} & {r["transaction_no"] for r in silver}
    assert max(abs(r["line_total"]) for r in silver) <= SILVER_LIMIT


def test_spark_reads_gold_money_exactly(money_run, spark):
    from pyspark.sql.types import DecimalType
    net = expected_net(money_run)
    for name, column in (("daily_sales", "net_revenue"), ("monthly_kpis", "net_revenue"),
                         ("country_summary", "net_revenue"), ("product_performance", "net_revenue")):
        frame = spark.read.format("delta").load(str(money_run["lakehouse"] / "gold" / name))
        assert frame.schema[column].dataType == DecimalType(28, 2), name
        # Spark's sum of DECIMAL(28,2) is DECIMAL(38,2): exact.
        assert frame.agg({column: "sum"}).collect()[0][0] == net, name
    daily = spark.read.format("delta").load(str(money_run["lakehouse"] / "gold/daily_sales"))
    row = daily.where("order_date = '2019-12-09' and country = 'United Kingdom'").collect()[0]
    expected = order_reference.daily_sales(money_run["silver"])
    assert row["net_revenue"] == expected[(datetime.date(2019, 12, 9), "United Kingdom")]["net"]
