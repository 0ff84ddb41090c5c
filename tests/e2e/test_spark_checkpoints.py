"""We read the checkpoints Spark (delta-spark) writes beyond the classic single
file: multi-part classic checkpoints (spark.databricks.delta.checkpoint.partSize)
and V2 checkpoints (delta.checkpointPolicy=v2: UUID-named JSON or Parquet
top-level files with sidecars in _delta_log/_sidecars/). The commits the
checkpoint covers are deleted first, so our state can only come from it. We
read V2 tables but never write them."""

import json
import os

import pytest

from tests.conftest import DELTA_APPEND, jsm_table_rows, run_jsm
from tests.e2e.test_spark_delta import assert_same, spark_rows

pytestmark = pytest.mark.skipif(not os.path.exists(DELTA_APPEND), reason=f"{DELTA_APPEND} is not built")


def append(spark, path, i, partitioned=True):
    df = spark.range(i * 20, i * 20 + 20).selectExpr("id", "id % 3 as g", "cast(id * 1.5 as double) as amount",
                                                     "concat('p', cast(id % 7 as string)) as product")
    writer = df.write.format("delta").mode("append")
    if partitioned:
        writer = writer.partitionBy("g")
    writer.save(str(path))


def drop_commits_before(log, version):
    for v in range(version):
        (log / f"{v:020d}.json").unlink()


@pytest.mark.parametrize("part_size", [None, 4], ids=["classic", "multi-part"])
def test_we_read_a_classic_or_multi_part_checkpoint_spark_wrote(spark, tmp_path, part_size):
    lake = tmp_path / "lake"
    path = lake / "multi"
    if part_size:
        spark.conf.set("spark.databricks.delta.checkpoint.partSize", str(part_size))
    try:
        for i in range(11):                                      # versions 0..10; checkpoint at 10
            append(spark, path, i)
    finally:
        spark.conf.unset("spark.databricks.delta.checkpoint.partSize")
    log = path / "_delta_log"
    if part_size:
        parts = sorted(log.glob(f"{10:020d}.checkpoint.*.*.parquet"))
        assert len(parts) > 1, sorted(p.name for p in log.iterdir())
        assert json.loads((log / "_last_checkpoint").read_text())["parts"] == len(parts)
    else:
        parts = [log / f"{10:020d}.checkpoint.parquet"]
        assert parts[0].exists(), sorted(p.name for p in log.iterdir())
    expected = spark_rows(spark, path)
    assert len(expected) == 220
    append(spark, path, 11)                                      # version 11, replayed after the parts
    expected = spark_rows(spark, path)
    drop_commits_before(log, 10)
    ours = jsm_table_rows(lake, "multi")
    assert_same(expected, ours)
    assert sum(r["amount"] for r in ours) == sum(r["amount"] for r in expected)
    described = run_jsm("table", "describe", "multi", "--lakehouse", lake).stdout
    assert "version      11" in described and "rows         240" in described
    # A checkpoint missing (a part of a multi-part one is ignored): with its commits gone, the table cannot
    # be rebuilt, and the error says so instead of returning fewer rows.
    parts[-1].unlink()
    broken = run_jsm("table", "show", "multi", "--lakehouse", lake, check=False)
    assert broken.returncode != 0 and "multi" in broken.stderr


@pytest.mark.parametrize("top_level", ["json", "parquet"])
def test_we_read_a_v2_checkpoint_with_sidecars_spark_wrote(spark, tmp_path, top_level):
    lake = tmp_path / "lake"
    path = lake / f"v2_{top_level}"
    spark.conf.set("spark.databricks.delta.checkpointV2.topLevelFileFormat", top_level)
    spark.conf.set("spark.databricks.delta.checkpoint.partSize", "5")  # several sidecars
    try:
        spark.sql(f"CREATE TABLE delta.`{path}` (id BIGINT, g BIGINT, amount DOUBLE, product STRING) USING delta "
                  "PARTITIONED BY (g) TBLPROPERTIES ('delta.checkpointPolicy' = 'v2')")  # version 0
        for i in range(10):                                      # versions 1..10; checkpoint at 10
            append(spark, path, i, partitioned=False)
    finally:
        spark.conf.unset("spark.databricks.delta.checkpointV2.topLevelFileFormat")
        spark.conf.unset("spark.databricks.delta.checkpoint.partSize")
    log = path / "_delta_log"
    top = sorted(log.glob(f"{10:020d}.checkpoint.*-*-*-*-*.{top_level}"))
    assert len(top) == 1, sorted(p.name for p in log.iterdir())
    sidecars = sorted((log / "_sidecars").glob("*.parquet"))
    assert sidecars, "Spark wrote no sidecar files"
    append(spark, path, 10, partitioned=False)                   # version 11
    expected = spark_rows(spark, path)
    assert len(expected) == 220
    drop_commits_before(log, 10)
    # Only the UUID-named checkpoint holds version 10's state (a classic-named copy, if any, is removed).
    for classic in log.glob(f"{10:020d}.checkpoint.parquet"):
        classic.unlink()
    ours = jsm_table_rows(lake, path.name)
    assert_same(expected, ours)
    described = run_jsm("table", "describe", path.name, "--lakehouse", lake).stdout
    assert "version      11" in described and "protocol     reader 3, writer 7" in described
    assert "v2Checkpoint" in described
    # Reading only: our writers refuse the table before writing anything.
    before = sorted(p.name for p in log.iterdir())
    refused = run_jsm("table", "checkpoint", path.name, "--lakehouse", lake, check=False)
    assert refused.returncode != 0 and "needs writer version 7" in refused.stderr
    refused = run_jsm("table", "optimize", path.name, "--lakehouse", lake, check=False)
    assert refused.returncode != 0 and "needs writer version 7" in refused.stderr
    assert sorted(p.name for p in log.iterdir()) == before
    # A sidecar that is gone is an error naming it, never fewer rows.
    sidecars[0].unlink()
    broken = run_jsm("table", "show", path.name, "--lakehouse", lake, check=False)
    assert broken.returncode != 0 and sidecars[0].name in broken.stderr
