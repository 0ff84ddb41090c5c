"""`jsm run` without a bound: it keeps consuming until SIGTERM/SIGINT, then
finishes the batch in flight, commits and exits 0 with consistent tables."""

import pathlib
import signal
import subprocess

import deltalake
import pyarrow.compute as pc

from conftest import JSM, run_jsm, wait_for


def silver_rows(lakehouse):
    log = pathlib.Path(lakehouse) / "gold/daily_sales/_delta_log"
    if not log.exists() or len(list(log.glob("*.json"))) < 2:
        return 0
    return deltalake.DeltaTable(str(pathlib.Path(lakehouse) / "silver/pedidos")).to_pyarrow_table().num_rows


def test_sigterm_finishes_in_flight_work_and_exits_cleanly(broker, tmp_path):
    lakehouse = tmp_path / "lakehouse"
    run = subprocess.Popen([JSM, "run", "--bootstrap", broker.bootstrap, "--lakehouse", lakehouse],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        run_jsm("produce", "--bootstrap", broker.bootstrap, "--synthetic", 20000, "--seed", 9)
        wait_for(lambda: silver_rows(lakehouse) > 0, 120, "orders to reach silver")
        # A second burst while running, then stop before it can all have settled.
        run_jsm("produce", "--bootstrap", broker.bootstrap, "--synthetic", 5000, "--seed", 10)
        run.send_signal(signal.SIGTERM)
        out, err = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 0, err[-3000:]
    assert "done in" in out
    bronze = deltalake.DeltaTable(str(lakehouse / "bronze/pedidos")).to_pyarrow_table()
    assert 20000 <= bronze.num_rows <= 25000
    # What was ingested before the stop is resumed afterwards, exactly once.
    run_jsm("run", "--bootstrap", broker.bootstrap, "--lakehouse", lakehouse, "--available-now")
    bronze = deltalake.DeltaTable(str(lakehouse / "bronze/pedidos")).to_pyarrow_table()
    silver = deltalake.DeltaTable(str(lakehouse / "silver/pedidos")).to_pyarrow_table()
    daily = deltalake.DeltaTable(str(lakehouse / "gold/daily_sales")).to_pyarrow_table()
    assert bronze.num_rows == 25000
    assert len(set(silver["_record_id"].to_pylist())) == silver.num_rows
    assert pc.sum(daily["net_revenue"]).as_py() == pc.sum(silver["line_total"]).as_py()


def test_rate_limits_the_replay(tmp_path):
    proc = run_jsm("run", "--synthetic", 3000, "--rate", 2000, "--until-drained", "--lakehouse", tmp_path / "lh")
    seconds = float(proc.stdout.split("first produce to gold")[1].split()[0])
    assert seconds >= 1.4, proc.stdout  # 3000 events at 2000/s take at least 1.5 s to produce


def test_help_documents_every_command():
    for command in ("run", "produce", "broker"):
        text = run_jsm(command, "--help").stdout
        assert "--help" in text
    assert "--until-drained" in run_jsm("run", "--help").stdout
    assert run_jsm("--version").stdout.startswith("jsm ")


def test_bad_flags_are_usage_errors(tmp_path):
    proc = run_jsm("run", "--stage", "refine", "--lakehouse", tmp_path / "lh", check=False)
    assert proc.returncode == 2
    assert "--stage needs a shared broker" in proc.stderr
    proc = run_jsm("run", "--input", tmp_path / "missing.csv", check=False)
    assert proc.returncode != 0 and "missing.csv" in proc.stderr
