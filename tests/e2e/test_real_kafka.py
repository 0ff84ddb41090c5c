"""Against a real Apache Kafka broker (deploy/kafka/, one KRaft node): `jsm topics
ensure`, then the real order file (or, if it is absent, 100000 synthetic orders)
produced with `jsm produce` and run with `jsm run --available-now` into a fresh
lakehouse, checked against an independent model of the pipeline's rules."""

import collections
import csv
import datetime
import random
import re
import subprocess
import time

import deltalake
import pytest

from conftest import DATA_CSV, run_jsm
from e2e import order_reference

SYNTHETIC_ORDERS = 100000


def kafka_partitions(bootstrap, topic):
    """The partition count of `topic` as kcat (not our code) sees it."""
    kcat = "kcat" if subprocess.run(["which", "kcat"], capture_output=True).returncode == 0 else "kafkacat"
    out = subprocess.run([kcat, "-L", "-b", bootstrap, "-t", topic], capture_output=True, text=True,
                         timeout=30, check=True).stdout
    match = re.search(rf'topic "{re.escape(topic)}" with (\d+) partitions', out)
    assert match, out
    return int(match.group(1))


def ensure(bootstrap, *args, check=True):
    return run_jsm("--log-level", "warn", "topics", "ensure", "--bootstrap", bootstrap, *args, timeout=120,
                   check=check)


def report_lines(stdout):
    """{topic: action} from the first line of each topic's block."""
    actions = {}
    for line in stdout.splitlines():
        if line and not line.startswith(" "):
            name, action = line.split(None, 1)
            actions[name] = action.strip()
    return actions


def write_synthetic_csv(path, count, seed=4):
    """`count` order lines in the real file's format, with repeated lines and cancellations."""
    rng = random.Random(seed)
    countries = ["United Kingdom", "France", "EIRE", "Germany", "USA", "Unspecified", "Czech Republic", "Spain"]
    products = [(f"{rng.randrange(10000, 99999)}{rng.choice(['', '', 'A', 'B'])}", f"Product {i}")
                for i in range(500)]
    rows = []
    transaction = 500000
    while len(rows) < count:
        transaction += 1
        cancelled = rng.random() < 0.03
        day = datetime.date(2019, 1, 1) + datetime.timedelta(days=rng.randrange(340))
        customer = "NA" if rng.random() < 0.01 else str(rng.randrange(12000, 18000))
        country = rng.choice(countries)
        for _ in range(rng.randrange(1, 12)):
            product, name = rng.choice(products)
            quantity = rng.randrange(1, 48)
            row = [("C" if cancelled else "") + str(transaction), f"{day.month}/{day.day}/{day.year}", product, name,
                   f"{rng.randrange(50, 5000) / 100:.2f}", str(-quantity if cancelled else quantity), customer, country]
            rows.append(row)
            if rng.random() < 0.01:
                rows.append(list(row))  # an exact repeat, removed by silver
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["TransactionNo", "Date", "ProductNo", "ProductName", "Price", "Quantity", "CustomerNo",
                         "Country"])
        writer.writerows(rows[:count])


def test_topics_ensure_creates_both_topics_then_reports_no_difference(real_kafka):
    first = ensure(real_kafka.bootstrap, "--topic", "ensured")
    assert report_lines(first.stdout) == {"ensured": "created", "ensured.dlq": "created"}, first.stdout
    assert kafka_partitions(real_kafka.bootstrap, "ensured") == 6
    assert kafka_partitions(real_kafka.bootstrap, "ensured.dlq") == 1
    second = ensure(real_kafka.bootstrap, "--topic", "ensured")
    assert report_lines(second.stdout) == {"ensured": "up to date", "ensured.dlq": "up to date"}, second.stdout


def test_topics_ensure_reports_differences_and_changes_them_only_with_apply(real_kafka):
    ensure(real_kafka.bootstrap, "--topic", "altered")
    wanted = ["--topic", "altered", "--partitions", "8", "--retention", "1d", "--cleanup-policy", "compact,delete"]
    dry = ensure(real_kafka.bootstrap, *wanted, check=False)
    assert dry.returncode == 3, dry.stdout + dry.stderr
    assert report_lines(dry.stdout) == {"altered": "differs", "altered.dlq": "differs"}
    assert re.search(r"partitions\s+is 6\s+wanted 8\s+--apply changes it", dry.stdout), dry.stdout
    assert re.search(r"retention.ms\s+is 604800000\s+wanted 86400000", dry.stdout), dry.stdout
    assert kafka_partitions(real_kafka.bootstrap, "altered") == 6, "a report without --apply changed the topic"

    applied = ensure(real_kafka.bootstrap, *wanted, "--apply")
    assert report_lines(applied.stdout) == {"altered": "updated", "altered.dlq": "updated"}, applied.stdout
    assert kafka_partitions(real_kafka.bootstrap, "altered") == 8
    again = ensure(real_kafka.bootstrap, *wanted)
    assert report_lines(again.stdout) == {"altered": "up to date", "altered.dlq": "up to date"}, again.stdout

    # Kafka cannot remove partitions or change replication in place: reported, never attempted.
    impossible = ensure(real_kafka.bootstrap, *wanted[:2], "--partitions", "4", "--replication-factor", "2",
                        "--apply", check=False)
    assert impossible.returncode == 3, impossible.stdout + impossible.stderr
    assert "cannot change: Kafka cannot remove partitions" in impossible.stdout
    assert re.search(r"replication.factor\s+is 1\s+wanted 2\s+cannot change", impossible.stdout)
    assert kafka_partitions(real_kafka.bootstrap, "altered") == 8


def test_topics_ensure_refuses_the_embedded_broker_and_impossible_settings():
    proc = run_jsm("topics", "ensure", "--bootstrap", "embedded", check=False)
    assert proc.returncode == 2 and "needs a real broker" in proc.stderr
    proc = run_jsm("topics", "ensure", "--bootstrap", "127.0.0.1:1", "--min-insync-replicas", "2", check=False)
    assert proc.returncode == 2 and "--min-insync-replicas" in proc.stderr
    proc = run_jsm("topics", "ensure", "--bootstrap", "127.0.0.1:1", "--retention", "7 days", check=False)
    assert proc.returncode == 2 and "--retention" in proc.stderr


@pytest.fixture(scope="module")
def real_kafka_run(real_kafka, tmp_path_factory):
    """The order file produced to a fresh topic on the real broker and run to gold."""
    work = tmp_path_factory.mktemp("real_kafka")
    if DATA_CSV.exists():
        csv_path = DATA_CSV
    else:
        csv_path = work / "synthetic_orders.csv"
        write_synthetic_csv(csv_path, SYNTHETIC_ORDERS)
        print(f"real data file {DATA_CSV} is absent: using {SYNTHETIC_ORDERS} synthetic orders")
    topic = "pedidos-e2e"
    ensure(real_kafka.bootstrap, "--topic", topic)
    started = time.monotonic()
    produced = run_jsm("--log-level", "warn", "produce", "--bootstrap", real_kafka.bootstrap, "--topic", topic,
                       "--input", csv_path, timeout=600)
    produce_seconds = time.monotonic() - started
    lakehouse = work / "lakehouse"
    started = time.monotonic()
    ran = run_jsm("--log-level", "warn", "run", "--bootstrap", real_kafka.bootstrap, "--topic", topic,
                  "--available-now", "--lakehouse", lakehouse, timeout=900)
    run_seconds = time.monotonic() - started
    rows = list(order_reference.normalized_rows(csv_path))
    print(f"real Kafka: broker start {real_kafka.start_seconds or 0:.1f} s; produce {len(rows)} events in "
          f"{produce_seconds:.2f} s ({len(rows) / produce_seconds:.0f} events/s); "
          f"run --available-now {run_seconds:.2f} s")
    return {"lakehouse": lakehouse, "topic": topic, "rows": rows, "csv": csv_path,
            "produce_stdout": produced.stdout, "run_stdout": ran.stdout}


def table(lakehouse, name):
    return deltalake.DeltaTable(str(lakehouse / name)).to_pyarrow_table()


def test_produce_delivers_every_line_of_the_file(real_kafka_run):
    delivered = re.search(r"delivered (\d+) events", real_kafka_run["produce_stdout"])
    assert delivered and int(delivered.group(1)) == len(real_kafka_run["rows"]), real_kafka_run["produce_stdout"]


def test_bronze_holds_every_message_once_with_its_kafka_coordinates(real_kafka_run):
    bronze = table(real_kafka_run["lakehouse"], "bronze/pedidos")
    assert bronze.num_rows == len(real_kafka_run["rows"])
    assert set(bronze["topic"].to_pylist()) == {real_kafka_run["topic"]}
    coords = collections.Counter(zip(bronze["partition"].to_pylist(), bronze["offset"].to_pylist()))
    assert len(coords) == bronze.num_rows
    # Offsets of each partition are 0..n-1 on a fresh topic: nothing skipped, nothing twice.
    per_partition = collections.defaultdict(list)
    for partition, offset in coords:
        per_partition[partition].append(offset)
    assert set(per_partition) == set(range(6))
    for offsets in per_partition.values():
        assert sorted(offsets) == list(range(len(offsets)))


def test_silver_is_the_distinct_rows_of_the_file(real_kafka_run):
    silver = table(real_kafka_run["lakehouse"], "silver/pedidos")
    expected = collections.Counter(order_reference.distinct_rows(real_kafka_run["csv"]))
    got = collections.Counter(zip(
        silver["transaction_no"].to_pylist(), silver["order_date"].to_pylist(), silver["product_no"].to_pylist(),
        silver["product_name"].to_pylist(), silver["unit_price"].to_pylist(), silver["quantity"].to_pylist(),
        silver["customer_no"].to_pylist(), silver["country"].to_pylist()))
    assert got == expected
    assert table(real_kafka_run["lakehouse"], "silver/pedidos_quarantine").num_rows == 0


def test_gold_daily_sales_equal_the_independent_computation(real_kafka_run):
    expected = order_reference.daily_sales(order_reference.distinct_rows(real_kafka_run["csv"]))
    gold = table(real_kafka_run["lakehouse"], "gold/daily_sales").to_pylist()
    got = {(r["order_date"], r["country"]): r for r in gold}
    assert set(got) == set(expected)
    for key, e in expected.items():
        g = got[key]
        assert (g["transactions"], g["lines"], g["units"], g["customers"]) == \
            (e["transactions"], e["lines"], e["units"], e["customers"]), key
        assert (g["gross_revenue"], g["cancelled_revenue"], g["net_revenue"]) == \
            (e["gross"], e["cancelled"], e["net"]), key


def test_a_second_available_now_run_finds_nothing_new(real_kafka_run, real_kafka):
    lakehouse = real_kafka_run["lakehouse"]
    before = deltalake.DeltaTable(str(lakehouse / "bronze/pedidos")).version()
    run_jsm("--log-level", "warn", "run", "--bootstrap", real_kafka.bootstrap, "--topic", real_kafka_run["topic"],
            "--available-now", "--lakehouse", lakehouse, timeout=300)
    assert deltalake.DeltaTable(str(lakehouse / "bronze/pedidos")).version() == before
    assert table(lakehouse, "bronze/pedidos").num_rows == len(real_kafka_run["rows"])
