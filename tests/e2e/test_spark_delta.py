"""Spark (pyspark 4 + delta-spark) reads the tables our writer makes, through
appends, schema evolution, optimize, vacuum, restore, checkpoints and time
travel; and we read what Spark writes. Rows and sums must agree."""

import datetime
import decimal
import os
import pathlib
import subprocess

import pytest

from tests.conftest import DELTA_APPEND, delta_append, jsm_table_rows, run_jsm

pytestmark = pytest.mark.skipif(not os.path.exists(DELTA_APPEND), reason=f"{DELTA_APPEND} is not built")


def spark_rows(spark, path, **options):
    reader = spark.read.format("delta")
    for key, value in options.items():
        reader = reader.option(key, value)
    rows = []
    for row in reader.load(str(path)).collect():
        d = row.asDict()
        for k, v in d.items():
            if isinstance(v, decimal.Decimal):
                d[k] = str(v)
            elif isinstance(v, (datetime.date, datetime.datetime)):
                d[k] = v.isoformat()
        rows.append(d)
    return rows


def canon(rows):
    def norm(v):  # JSON writes 5.0 as 5: compare numbers as floats
        return repr(float(v)) if isinstance(v, (int, float)) and not isinstance(v, bool) else repr(v)
    return sorted(tuple((k, norm(v)) for k, v in sorted(r.items())) for r in rows)


def assert_same(spark_side, ours):
    assert len(spark_side) == len(ours)
    assert canon(spark_side) == canon(ours)


def test_spark_reads_our_table_after_appends_evolution_optimize_restore_and_vacuum(spark, tmp_path):
    lake = tmp_path / "lake"
    delta_append(lake, "sales", "--commits", 3, "--rows", 4, "--writer", "a")            # v0..v3
    delta_append(lake, "sales", "--commits", 2, "--rows", 4, "--writer", "b", "--add-column", "note")  # v4 (schema), v5, v6
    path = lake / "sales"
    ours = jsm_table_rows(lake, "sales")
    assert len(ours) == 20
    assert_same(spark_rows(spark, path), ours)
    # Old files read the added column as null, in Spark and in ours.
    assert sum(1 for r in ours if r["note"] is None) == 12

    run_jsm("table", "optimize", "sales", "--lakehouse", lake)                             # v7
    after_optimize = jsm_table_rows(lake, "sales")
    assert canon(after_optimize) == canon(ours)
    assert_same(spark_rows(spark, path), after_optimize)
    spark_sum = spark.read.format("delta").load(str(path)).agg({"amount": "sum"}).collect()[0][0]
    assert str(spark_sum) == str(sum(decimal.Decimal(r["amount"]) for r in ours))

    # Time travel by version, both ways.
    for version in (1, 3, 5):
        assert_same(spark_rows(spark, path, versionAsOf=version), jsm_table_rows(lake, "sales", "--version", version))

    run_jsm("table", "restore", "sales", "--lakehouse", lake, "--version", 2)              # v8
    restored = jsm_table_rows(lake, "sales")
    assert len(restored) == 8
    assert canon(restored) == canon(jsm_table_rows(lake, "sales", "--version", 2))
    assert_same(spark_rows(spark, path), restored)

    # Vacuum: the dry run lists what the real run deletes; the current version stays readable.
    refused = run_jsm("table", "vacuum", "sales", "--lakehouse", lake, "--retain-hours", 0, check=False)
    assert refused.returncode != 0 and "deletedFileRetentionDuration" in refused.stderr
    dry = run_jsm("table", "vacuum", "sales", "--lakehouse", lake, "--retain-hours", 0, "--force", "--dry-run")
    listed = [line for line in dry.stdout.splitlines() if line.endswith(".parquet")]
    assert listed and all((path / f).exists() for f in listed)
    assert not (path / "_delta_log" / f"{9:020d}.json").exists()  # the dry run logs nothing
    vacuumed = run_jsm("table", "vacuum", "sales", "--lakehouse", lake, "--retain-hours", 0, "--force")
    assert "versions 9 (VACUUM START) and 10 (VACUUM END)" in vacuumed.stdout
    assert not any((path / f).exists() for f in listed)
    assert_same(spark_rows(spark, path), jsm_table_rows(lake, "sales"))
    # Both peers still read the table after our VACUUM START / END commits, and see the same rows.
    deltalake = pytest.importorskip("deltalake")
    dl = deltalake.DeltaTable(str(path))
    assert dl.version() == 10
    assert len(dl.to_pyarrow_table()) == len(restored)
    start = dl.history()[1]
    assert start["operation"] == "VACUUM START"
    assert start["operationParameters"]["retentionCheckEnabled"] == "false"
    assert start["operationParameters"]["specifiedRetentionMillis"] == "0"
    assert int(start["operationMetrics"]["numFilesToDelete"]) == len(listed)
    # Restoring a version whose files were vacuumed is refused, naming the table and version.
    gone = run_jsm("table", "restore", "sales", "--lakehouse", lake, "--version", 6, check=False)
    assert gone.returncode != 0 and "version 6" in gone.stderr and "no longer exists" in gone.stderr

    history = spark.sql(f"DESCRIBE HISTORY delta.`{path}`").select("version", "operation").collect()
    ops = {row.version: row.operation for row in history}
    assert ops[7] == "OPTIMIZE" and ops[8] == "RESTORE"
    assert ops[9] == "VACUUM START" and ops[10] == "VACUUM END"
    end = spark.sql(f"DESCRIBE HISTORY delta.`{path}`").where("version = 10").collect()[0]
    assert end.operationParameters["status"] == "COMPLETED"
    assert end.operationMetrics["numDeletedFiles"] == str(len(listed))


def test_spark_and_we_agree_on_time_travel_by_timestamp(spark, tmp_path):
    lake = tmp_path / "lake"
    delta_append(lake, "tt", "--commits", 4, "--rows", 2)
    log = lake / "tt" / "_delta_log"
    # Within the last day: Spark refuses to time travel beyond delta.deletedFileRetentionDuration.
    base = float(int(datetime.datetime.now(datetime.timezone.utc).timestamp()) // 3600 * 3600 - 12 * 3600)
    for version in range(5):  # commit times: base + version hours
        os.utime(log / f"{version:020d}.json", (base + 3600 * version, base + 3600 * version))
    for hours, expected_version in ((0.5, 0), (2, 2), (2.9, 2), (4, 4)):
        at = datetime.datetime.fromtimestamp(base + 3600 * hours, datetime.timezone.utc)
        text = at.strftime("%Y-%m-%d %H:%M:%S")
        ours = jsm_table_rows(lake, "tt", "--timestamp", text)
        assert len(ours) == 2 * expected_version
        assert_same(spark_rows(spark, lake / "tt", timestampAsOf=text), ours)
    too_early = datetime.datetime.fromtimestamp(base - 3600, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    early = run_jsm("table", "show", "tt", "--lakehouse", lake, "--timestamp", too_early, check=False)
    assert early.returncode != 0 and "no version at" in early.stderr and "earliest available version 0" in early.stderr
    # After the latest commit: refused by both, as Spark does.
    too_late = datetime.datetime.fromtimestamp(base + 3600 * 5, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    late = run_jsm("table", "show", "tt", "--lakehouse", lake, "--timestamp", too_late, check=False)
    assert late.returncode != 0 and "after its latest commit (version 4" in late.stderr
    with pytest.raises(Exception, match="(?i)after the latest|latest commit|TIMESTAMP_GREATER"):
        spark_rows(spark, lake / "tt", timestampAsOf=too_late)


def test_spark_reads_our_partitioned_table(spark, tmp_path):
    lake = tmp_path / "lake"
    delta_append(lake, "parts", "--commits", 3, "--rows", 5, "--partition-by", "day")
    files = [p for p in (lake / "parts").rglob("*.parquet") if "_delta_log" not in str(p)]
    assert files and all(p.parent.name.startswith("day=2024-01-0") for p in files)
    ours = jsm_table_rows(lake, "parts")
    assert_same(spark_rows(spark, lake / "parts"), ours)
    pruned = jsm_table_rows(lake, "parts", "--where", "day = 2024-01-02")
    assert pruned and all(r["day"] == "2024-01-02" for r in pruned)
    assert len(pruned) == sum(1 for r in ours if r["day"] == "2024-01-02")


def test_we_read_a_partitioned_table_spark_wrote_and_optimized(spark, tmp_path):
    from pyspark.sql import Row
    path = tmp_path / "lake" / "spark_orders"
    rows = [Row(order_id=i, country=["UK", "FR", "DE"][i % 3], qty=i % 7, price=float(i) / 4,
                product=f"p{i % 11}", order_day=datetime.date(2024, 1, 1 + i % 3)) for i in range(60)]
    df = spark.createDataFrame(rows)
    df.limit(30).write.format("delta").partitionBy("country", "order_day").save(str(path))
    df.subtract(df.limit(30)).write.format("delta").mode("append").partitionBy("country", "order_day").save(str(path))
    spark.sql(f"OPTIMIZE delta.`{path}`")
    expected = spark_rows(spark, path)
    assert len(expected) == 60
    ours = jsm_table_rows(tmp_path / "lake", "spark_orders")
    assert_same(expected, ours)
    uk = jsm_table_rows(tmp_path / "lake", "spark_orders", "--where", "country = UK", "--where", "qty >= 3")
    assert canon(uk) == canon([r for r in expected if r["country"] == "UK" and r["qty"] >= 3])
    out = run_jsm("table", "describe", "spark_orders", "--lakehouse", tmp_path / "lake").stdout
    assert "by country, order_day" in out and "rows         60" in out
    # Our history of Spark's log: the same versions and operations as DESCRIBE HISTORY.
    import json
    ours_history = [json.loads(line) for line in run_jsm("table", "history", "spark_orders", "--lakehouse",
                                                         tmp_path / "lake", "--format", "json").stdout.splitlines()]
    spark_history = spark.sql(f"DESCRIBE HISTORY delta.`{path}`").select("version", "operation").collect()
    assert [(h["version"], h["operation"]) for h in ours_history] == [(r.version, r.operation) for r in spark_history]
    assert ours_history[0]["operation"] == "OPTIMIZE" and ours_history[0]["filesRemoved"] > ours_history[0]["filesAdded"]


def test_four_concurrent_appenders_make_400_versions_with_every_add_once(spark, tmp_path):
    lake = tmp_path / "lake"
    delta_append(lake, "race", "--commits", 0)  # create the table: version 0
    procs = [subprocess.Popen([DELTA_APPEND, "--root", str(lake), "--table", "race", "--commits", "100",
                               "--rows", "1", "--writer", f"w{i}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for i in range(4)]
    outputs = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, outputs):
        assert p.returncode == 0, err
    committed = sorted(int(line.split()[1]) for out, _ in outputs for line in out.splitlines()
                       if line.startswith("committed"))
    assert committed == list(range(1, 401))
    log = lake / "race" / "_delta_log"
    import json
    adds = []
    for version in range(1, 401):
        for line in (log / f"{version:020d}.json").read_text().splitlines():
            action = json.loads(line)
            if "add" in action:
                adds.append(action["add"]["path"])
    assert len(adds) == 400 and len(set(adds)) == 400
    ours = jsm_table_rows(lake, "race")
    assert sorted((r["writer"], r["seq"]) for r in ours) == sorted((f"w{i}", s) for i in range(4) for s in range(100))
    assert spark.read.format("delta").load(str(lake / "race")).count() == 400
    latency = [line for out, _ in outputs for line in out.splitlines() if line.startswith("commit latency")]
    print("\n".join(latency))


def test_a_conflicting_txn_writer_is_refused(tmp_path):
    lake = tmp_path / "lake"
    delta_append(lake, "txn", "--commits", 1, "--txn-app", "stage-a")  # v1, txn stage-a = 0
    go = tmp_path / "go"
    waiting = subprocess.Popen([DELTA_APPEND, "--root", str(lake), "--table", "txn", "--commits", "1",
                                "--txn-app", "stage-a", "--wait-for", str(go)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    assert waiting.stdout.readline().strip() == "ready"   # it read version 1 and wrote its data file
    delta_append(lake, "txn", "--commits", 1, "--txn-app", "stage-a")  # v2 wins with the same appId
    go.write_text("")
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 3, (out, err)
    assert "appId 'stage-a'" in err and "conflict" in err
    # A blind appender of another application still commits.
    delta_append(lake, "txn", "--commits", 1, "--txn-app", "stage-b")
    assert len(jsm_table_rows(lake, "txn")) == 9
