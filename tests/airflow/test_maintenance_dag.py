"""`airflow dags test pedidos_maintenance` on a lakehouse written in several batches: every table stays
readable by delta-rs with the same rows, and holds fewer files afterwards."""

from __future__ import annotations

import subprocess

from conftest import dags_test, delta_rs, produce, run_state

TABLES = ["bronze/pedidos", "silver/pedidos", "gold/daily_sales", "gold/country_summary", "_system/event_log"]


def snapshot(lake):
    return delta_rs(f"""
import glob
result = {{}}
for t in {TABLES!r}:
    path = os.path.join({str(lake)!r}, t)
    dt = deltalake.DeltaTable(path)
    data = [f for f in glob.glob(path + "/**/*.parquet", recursive=True) if "/_delta_log/" not in f]
    result[t] = {{"rows": dt.to_pyarrow_table().num_rows, "active_files": len(dt.file_uris()),
                 "data_files": len(data)}}
""")


def test_maintenance_keeps_rows_and_leaves_fewer_files(airflow_home, jsm_bin, broker, real_orders, tmp_path):
    lines = real_orders.read_text(encoding="utf-8").splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    lake = tmp_path / "lake"
    for i in range(3):  # three batches: three files per table, gold rewritten three times
        part = tmp_path / f"part{i}.csv"
        part.write_text(header + "".join(body[i::3]), encoding="utf-8")
        produce(jsm_bin, broker, part)
        subprocess.run([jsm_bin, "--log-level", "warn", "run", "--bootstrap", broker, "--lakehouse", str(lake),
                        "--available-now"], check=True, capture_output=True, timeout=300)
    before = snapshot(lake)
    assert before["bronze/pedidos"]["active_files"] >= 3

    proc = dags_test(airflow_home, "pedidos_maintenance",
                     {"jsm_bin": jsm_bin, "jsm_lakehouse": lake, "jsm_bootstrap": broker,
                      "jsm_stderr_dir": tmp_path / "stderr",
                      "jsm_vacuum_retain_hours": "0", "jsm_vacuum_force": "true",
                      "jsm_dlq_replayable_reasons": "not_json,missing_field"})
    assert run_state(proc) == "success", proc.stdout[-4000:] + proc.stderr[-4000:]
    after = snapshot(lake)
    for table in TABLES:
        assert after[table]["rows"] == before[table]["rows"], table
        assert after[table]["active_files"] <= before[table]["active_files"], table
        assert after[table]["data_files"] < before[table]["data_files"], (table, before[table], after[table])
    assert after["bronze/pedidos"]["active_files"] == 1
    for table in TABLES:  # a checkpoint was written for every table
        assert list((lake / table / "_delta_log").glob("*.checkpoint.parquet")), table
    out = proc.stdout + proc.stderr
    assert "+ jsm dlq list" in out
    for reason in ("not_json", "missing_field"):  # one replay call per configured reason (no letters: none replayed)
        assert f'+ jsm dlq replay  --bootstrap "{broker}" --topic "pedidos" --lakehouse "{lake}" --reason "{reason}"' in out
