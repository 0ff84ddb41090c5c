"""Checkpoints against delta-rs (the `deltalake` package): a table of ours with
25 commits and automatic checkpoints is read by deltalake, also once the commits
its checkpoint covers are gone; and deltalake-written tables with checkpoints
are read by us (through tests/tools/delta_tool, built beside `jsm`)."""

import json
import os
import pathlib
import shutil
import subprocess

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from tests.conftest import JSM

deltalake = pytest.importorskip("deltalake")

DELTA_TOOL = os.environ.get("JSM_DELTA_TOOL", str(pathlib.Path(JSM).parent / "delta_tool"))


@pytest.fixture
def delta_tool():
    if not os.path.exists(DELTA_TOOL):
        pytest.skip(f"{DELTA_TOOL} is absent (build the delta_tool target or set JSM_DELTA_TOOL)")
    return DELTA_TOOL


def tool(binary, *args):
    proc = subprocess.run([binary, *map(str, args)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"delta_tool {args} failed:\n{proc.stderr}"
    return proc.stdout


def sums(table):
    return {"rows": table.num_rows,
            "sum_id": pc.sum(table["id"]).as_py() or 0,
            "sum_amount": pc.sum(table["amount"]).as_py() or 0}


def test_deltalake_reads_our_table_with_checkpoints(tmp_path, delta_tool):
    tool(delta_tool, "append", tmp_path, "t", 25, 40)
    ours = json.loads(tool(delta_tool, "dump", tmp_path, "t"))
    assert ours["version"] == 25 and ours["checkpoint"] == 20
    log = tmp_path / "t" / "_delta_log"
    assert (log / "00000000000000000010.checkpoint.parquet").exists()
    assert json.loads((log / "_last_checkpoint").read_text())["version"] == 20

    dt = deltalake.DeltaTable(str(tmp_path / "t"))
    assert dt.version() == 25
    assert dt.transaction_version("delta-tool") == 25
    theirs = sums(dt.to_pyarrow_table())
    assert theirs == {k: ours[k] for k in theirs}

    # Without the commits the checkpoint covers, deltalake must rely on our checkpoint alone.
    copy = tmp_path / "copy"
    shutil.copytree(tmp_path / "t", copy)
    for v in range(0, 20):
        (copy / "_delta_log" / f"{v:020d}.json").unlink()
    dt = deltalake.DeltaTable(str(copy))
    assert dt.version() == 25
    assert sums(dt.to_pyarrow_table()) == theirs
    assert dt.transaction_version("delta-tool") == 25
    assert json.loads(tool(delta_tool, "dump", tmp_path, "copy"))["rows"] == ours["rows"]


def write_deltalake_table(path, partitioned):
    expected = {"rows": 0, "sum_id": 0, "sum_amount": 0}
    for i in range(12):
        ids = list(range(i * 100, i * 100 + 30))
        amounts = [None if j % 5 == 0 else j * 7 for j in range(30)]
        batch = pa.table({"id": pa.array(ids, pa.int64()), "amount": pa.array(amounts, pa.int64()),
                          "country": pa.array(["GB" if j % 3 else "FR" for j in range(30)])})
        props = deltalake.CommitProperties(app_transactions=[deltalake.Transaction(app_id="peer", version=i + 1)])
        deltalake.write_deltalake(str(path), batch, mode="append", commit_properties=props,
                                  partition_by=["country"] if partitioned else None)
        expected["rows"] += 30
        expected["sum_id"] += sum(ids)
        expected["sum_amount"] += sum(a for a in amounts if a is not None)
        if i == 8:
            deltalake.DeltaTable(str(path)).create_checkpoint()
    return expected


@pytest.mark.parametrize("partitioned", [False, True])
def test_we_read_deltalake_tables_with_checkpoints(tmp_path, delta_tool, partitioned):
    expected = write_deltalake_table(tmp_path / "dl", partitioned)
    log = tmp_path / "dl" / "_delta_log"
    assert (log / "00000000000000000008.checkpoint.parquet").exists()
    # Drop the commits the checkpoint covers: our reader must take the state from it.
    for v in range(0, 8):
        (log / f"{v:020d}.json").unlink()
    ours = json.loads(tool(delta_tool, "dump", tmp_path, "dl"))
    assert ours["version"] == 11
    assert ours["checkpoint"] == 8
    assert ours["txn"] == {"peer": 12}
    assert {k: ours[k] for k in expected} == expected
