"""kill -9 of `jsm run` mid-stream, then `--available-now`: silver has no
duplicate and no missing line, gold is exact."""

import os
import pathlib
import signal
import subprocess

import deltalake
import pyarrow.compute as pc

from conftest import DATA_CSV, JSM, run_jsm, wait_for
from e2e import order_reference


def commits(lakehouse, name):
    log = pathlib.Path(lakehouse) / name / "_delta_log"
    return len(list(log.glob("*.json"))) if log.exists() else 0


def test_kill_mid_stream_then_available_now_is_exact(broker, tmp_path):
    lakehouse = tmp_path / "lakehouse"
    config = tmp_path / "small-batches.toml"
    config.write_text("[ingest]\ncommit_messages = 20000\ncommit_interval_ms = 200\n"
                      "[refine]\nmax_rows = 40000\n")
    if DATA_CSV.exists():
        source = ["--input", DATA_CSV]
    else:
        print(f"real data file {DATA_CSV} is absent: the crash test uses 150000 synthetic orders")
        source = ["--synthetic", 150000]
    run_jsm("produce", "--bootstrap", broker.bootstrap, *source)

    first = subprocess.Popen([JSM, "run", "--config", config, "--bootstrap", broker.bootstrap,
                              "--lakehouse", lakehouse], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: commits(lakehouse, "silver/pedidos") >= 3 or first.poll() is not None, 300,
                 "the first run to commit to silver")
        assert first.poll() is None, "jsm run ended before it could be killed: " + first.stderr.read().decode()
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
    finally:
        if first.poll() is None:
            first.kill()
    bronze_rows_at_kill = deltalake.DeltaTable(str(lakehouse / "bronze/pedidos")).to_pyarrow_table().num_rows

    run_jsm("run", "--config", config, "--bootstrap", broker.bootstrap, "--lakehouse", lakehouse, "--available-now")

    bronze = deltalake.DeltaTable(str(lakehouse / "bronze/pedidos")).to_pyarrow_table()
    silver = deltalake.DeltaTable(str(lakehouse / "silver/pedidos")).to_pyarrow_table()
    daily = deltalake.DeltaTable(str(lakehouse / "gold/daily_sales")).to_pyarrow_table()
    coords = list(zip(bronze["partition"].to_pylist(), bronze["offset"].to_pylist()))
    assert len(coords) == len(set(coords)), "bronze holds a message twice"
    assert bronze_rows_at_kill < bronze.num_rows, "the kill did not happen mid-stream"
    ids = silver["_record_id"].to_pylist()
    assert len(ids) == len(set(ids)), "silver holds a duplicate"
    if DATA_CSV.exists():
        assert bronze.num_rows == 536350
        distinct = order_reference.distinct_rows(DATA_CSV)
        assert silver.num_rows == len(distinct)
        expected = order_reference.daily_sales(distinct)
        got = {(r["order_date"], r["country"]): r["net_revenue"] for r in daily.to_pylist()}
        assert got == {k: v["net"] for k, v in expected.items()}
    else:
        assert bronze.num_rows == 150000
    assert pc.sum(daily["net_revenue"]).as_py() == pc.sum(silver["line_total"]).as_py()
