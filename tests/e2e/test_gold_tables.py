"""Every gold table, maintained incrementally over many small batches and
several `jsm run --available-now` runs (each rebuilding its state from silver),
equals a full recompute from silver in Python with decimal arithmetic, and
delta-rs reads every gold table with the column types of docs/gold.md."""

import datetime
import decimal
import json
import pathlib

import deltalake
import pyarrow as pa
import pytest

from conftest import DATA_CSV, run_jsm
from e2e import order_reference

CHUNKS = 4
GOLD = ("daily_sales", "product_performance", "country_summary", "customer_rfm", "monthly_kpis")


def split_csv(path, parts, out_dir):
    """Writes `parts` CSV files holding the lines of `path` in order, each with the header."""
    lines = pathlib.Path(path).read_text(encoding="utf-8").splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    size = -(-len(body) // parts)
    files = []
    for i in range(parts):
        f = out_dir / f"chunk{i}.csv"
        f.write_text(header + "".join(body[i * size:(i + 1) * size]), encoding="utf-8")
        files.append(f)
    return files


def last_txn_version(lakehouse, name, app_id="jsm-aggregate"):
    """The txn version of `app_id` in the newest commit of a table that has one."""
    for commit in sorted((lakehouse / name / "_delta_log").glob("*.json"), reverse=True):
        for line in commit.read_text().splitlines():
            action = json.loads(line)
            if "txn" in action and action["txn"]["appId"] == app_id:
                return action["txn"]["version"]
    return None


@pytest.fixture(scope="module")
def streamed(tmp_path_factory):
    from conftest import Broker
    tmp = tmp_path_factory.mktemp("gold")
    lakehouse = tmp / "lakehouse"
    config = tmp / "small-batches.toml"
    config.write_text("[ingest]\ncommit_messages = 15000\ncommit_interval_ms = 100\n[refine]\nmax_rows = 15000\n")
    if DATA_CSV.exists():
        sources = [["--input", f] for f in split_csv(DATA_CSV, CHUNKS, tmp)]
    else:
        print(f"real data file {DATA_CSV} is absent: streaming {CHUNKS} x 20000 synthetic orders instead")
        sources = [["--synthetic", 20000, "--seed", 100 + i] for i in range(CHUNKS)]
    broker = Broker()
    gold_versions = []
    try:
        for source in sources:
            run_jsm("produce", "--bootstrap", broker.bootstrap, *source)
            run_jsm("run", "--config", config, "--bootstrap", broker.bootstrap, "--lakehouse", lakehouse,
                    "--available-now", timeout=900)
            gold_versions.append(deltalake.DeltaTable(str(lakehouse / "gold/customer_rfm")).version())
    finally:
        broker.stop()
    silver = deltalake.DeltaTable(str(lakehouse / "silver/pedidos"))
    rows, codes = order_reference.silver_rows(silver.to_pyarrow_table())
    gold = {name: deltalake.DeltaTable(str(lakehouse / "gold" / name)) for name in GOLD}
    return lakehouse, silver, rows, codes, gold, gold_versions


def rows_of(table, key):
    data = table.to_pyarrow_table().to_pylist()
    keyed = {r[key]: r for r in data}
    assert len(keyed) == len(data), f"{key} is not unique"
    return data, keyed


def assert_rows_equal(got, expected, what):
    assert set(got) == set(expected), what
    for key, e in expected.items():
        g = {column: got[key][column] for column in e}
        assert g == e, f"{what} {key}"


def test_gold_was_maintained_over_many_small_commits(streamed):
    lakehouse, silver, _, _, gold, gold_versions = streamed
    assert silver.version() >= 2 * CHUNKS, "silver should have many small versions"
    assert gold_versions == sorted(gold_versions) and len(set(gold_versions)) == CHUNKS, gold_versions
    for name in GOLD:
        assert last_txn_version(lakehouse, f"gold/{name}") == silver.version(), name
        assert gold[name].version() >= CHUNKS + 1, name


def test_gold_column_types_suit_power_bi(streamed):
    *_, gold, _ = streamed
    money, date = pa.decimal128(28, 2), pa.date32()
    expected = {
        "daily_sales": {"order_date": date, "net_revenue": money, "transactions": pa.int64()},
        "product_performance": {"net_revenue": money, "cancellations": pa.int64(), "cancellation_rate": pa.float64(),
                                "revenue_rank": pa.int64()},
        "country_summary": {"net_revenue": money, "first_order_date": date},
        "customer_rfm": {"monetary": money, "last_order_date": date, "reference_date": date,
                         "recency_days": pa.int32(), "r_score": pa.int32(), "segment": pa.string()},
        "monthly_kpis": {"month": date, "average_order_value": money, "new_customers": pa.int64(),
                         "cancellation_rate": pa.float64()},
    }
    for name, columns in expected.items():
        schema = gold[name].to_pyarrow_table().schema
        for column, arrow_type in columns.items():
            assert schema.field(column).type == arrow_type, f"{name}.{column}"


def test_daily_sales_equals_recompute_from_silver(streamed):
    _, _, rows, _, gold, _ = streamed
    expected = order_reference.daily_sales(rows)
    got = {(r["order_date"], r["country"]): r for r in gold["daily_sales"].to_pyarrow_table().to_pylist()}
    assert set(got) == set(expected)
    for key, e in expected.items():
        g = got[key]
        assert (g["transactions"], g["lines"], g["units"], g["customers"], g["gross_revenue"],
                g["cancelled_revenue"], g["net_revenue"]) == \
            (e["transactions"], e["lines"], e["units"], e["customers"], e["gross"], e["cancelled"], e["net"]), key


def test_product_performance_equals_recompute_from_silver(streamed):
    _, _, rows, _, gold, _ = streamed
    data, got = rows_of(gold["product_performance"], "product_no")
    assert_rows_equal(got, order_reference.product_performance(rows), "product")
    assert [r["revenue_rank"] for r in data] == list(range(1, len(data) + 1)), "rows are ordered by rank"


def test_country_summary_equals_recompute_from_silver(streamed):
    _, _, rows, codes, gold, _ = streamed
    _, got = rows_of(gold["country_summary"], "country")
    assert_rows_equal(got, order_reference.country_summary(rows, codes), "country")


def test_customer_rfm_equals_recompute_from_silver(streamed):
    _, _, rows, _, gold, _ = streamed
    data, got = rows_of(gold["customer_rfm"], "customer_no")
    expected = order_reference.customer_rfm(rows)
    assert_rows_equal(got, expected, "customer")
    assert {r["r_score"] for r in data} <= {1, 2, 3, 4, 5}
    assert len({r["segment"] for r in data}) >= 3, "the real spread of customers falls in several segments"


def test_monthly_kpis_equal_recompute_from_silver(streamed):
    _, _, rows, _, gold, _ = streamed
    data, got = rows_of(gold["monthly_kpis"], "month")
    assert_rows_equal(got, order_reference.monthly_kpis(rows), "month")
    assert all(isinstance(r["month"], datetime.date) and r["month"].day == 1 for r in data)
    total = sum((r["net_revenue"] for r in data), decimal.Decimal(0))
    assert total == sum((price * qty for _, _, _, _, price, qty, _, _ in rows), decimal.Decimal(0))


def test_spark_reads_every_gold_table_with_the_same_rows_and_types(streamed, spark):
    from pyspark.sql.types import DateType, DecimalType, DoubleType
    lakehouse, *_, gold, _ = streamed
    for name in GOLD:
        frame = spark.read.format("delta").load(str(lakehouse / "gold" / name))
        fields = {f.name: f.dataType for f in frame.schema.fields}
        ours = gold[name].to_pyarrow_table()
        assert list(fields) == ours.schema.names, name
        assert frame.count() == ours.num_rows, name
        for column in ours.schema.names:
            arrow_type = str(ours.schema.field(column).type)
            if arrow_type == "decimal128(28, 2)":
                assert fields[column] == DecimalType(28, 2), (name, column)
            elif arrow_type == "date32[day]":
                assert isinstance(fields[column], DateType), (name, column)
            elif arrow_type == "double":
                assert isinstance(fields[column], DoubleType), (name, column)
    spark_net = spark.read.format("delta").load(str(lakehouse / "gold/monthly_kpis")).agg({"net_revenue": "sum"}).collect()[0][0]
    assert spark_net == sum((r["net_revenue"] for r in gold["monthly_kpis"].to_pyarrow_table().to_pylist()), decimal.Decimal(0))
