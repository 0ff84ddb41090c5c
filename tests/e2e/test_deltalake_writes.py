"""delta-rs (the `deltalake` package) writes, we read: a partitioned table with
appends, an OPTIMIZE (compact), a checkpoint (`create_checkpoint`) and an append
after it. `jsm table show/describe/history` must give exactly delta-rs's rows,
sums, version and operations."""

import datetime
import json
import os

import pytest

from tests.conftest import run_jsm, jsm_table_rows

deltalake = pytest.importorskip("deltalake")
pa = pytest.importorskip("pyarrow")


def batch(i):
    ids = list(range(i * 50, i * 50 + 50))
    return pa.table({
        "order_id": pa.array(ids, pa.int64()),
        "country": pa.array([["UK", "FR", "DE"][j % 3] for j in ids]),
        "qty": pa.array([None if j % 11 == 0 else j % 7 for j in ids], pa.int64()),
        "price": pa.array([j / 4 for j in ids], pa.float64()),
        "product": pa.array([f"p{j % 13}" for j in ids]),
        "order_day": pa.array([datetime.date(2024, 1, 1 + j % 3) for j in ids], pa.date32()),
    })


def canon(rows):
    return sorted((r["order_id"], r["country"], r["qty"], float(r["price"]), r["product"], str(r["order_day"]))
                  for r in rows)


def test_we_read_a_partitioned_deltalake_table_after_appends_optimize_and_checkpoint(tmp_path):
    lake = tmp_path / "lake"
    path = lake / "dl_orders"
    for i in range(6):                                                        # versions 0..5
        deltalake.write_deltalake(str(path), batch(i), mode="append", partition_by=["country"])
    dt = deltalake.DeltaTable(str(path))
    metrics = dt.optimize.compact()                                          # version 6
    assert metrics["numFilesRemoved"] > metrics["numFilesAdded"] > 0
    dt = deltalake.DeltaTable(str(path))
    dt.create_checkpoint()
    assert (path / "_delta_log" / f"{6:020d}.checkpoint.parquet").exists()
    deltalake.write_deltalake(str(path), batch(6), mode="append", partition_by=["country"])  # version 7

    dt = deltalake.DeltaTable(str(path))
    theirs = dt.to_pyarrow_table().to_pylist()
    assert len(theirs) == 350
    ours = jsm_table_rows(lake, "dl_orders")
    assert canon(ours) == canon(theirs)
    assert sum(r["qty"] or 0 for r in ours) == sum(r["qty"] or 0 for r in theirs)
    assert sum(float(r["price"]) for r in ours) == pytest.approx(sum(r["price"] for r in theirs))
    # Partition pruning on delta-rs's partition values.
    uk = jsm_table_rows(lake, "dl_orders", "--where", "country = UK")
    assert canon(uk) == canon([r for r in theirs if r["country"] == "UK"])

    described = run_jsm("table", "describe", "dl_orders", "--lakehouse", lake).stdout
    assert "version      7" in described and "by country" in described and "rows         350" in described
    assert f"files        {len(dt.file_uris())} " in described

    history = [json.loads(line) for line in
               run_jsm("table", "history", "dl_orders", "--lakehouse", lake, "--format", "json").stdout.splitlines()]
    assert [h["version"] for h in history] == list(range(7, -1, -1))
    assert [h["operation"] for h in history] == [h["operation"] for h in dt.history()]
    optimize = next(h for h in history if h["version"] == 6)
    assert optimize["operation"] == "OPTIMIZE" and optimize["filesAdded"] == metrics["numFilesAdded"]
    assert optimize["filesRemoved"] == metrics["numFilesRemoved"]

    # Without the commits the checkpoint covers, the state comes from delta-rs's checkpoint alone.
    for v in range(0, 6):
        (path / "_delta_log" / f"{v:020d}.json").unlink()
    assert canon(jsm_table_rows(lake, "dl_orders")) == canon(theirs)
    # Time travel to before the append that followed the checkpoint.
    assert canon(jsm_table_rows(lake, "dl_orders", "--version", 6)) == canon(
        deltalake.DeltaTable(str(path), version=6).to_pyarrow_table().to_pylist())
