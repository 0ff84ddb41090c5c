"""`airflow dags test pedidos_backfill`: catch_up refines and aggregates what bronze holds; the mode jsm does
not support (rebuild from a bronze version) fails at `plan`, saying so, and touches nothing."""

from __future__ import annotations

import subprocess

from conftest import AIRFLOW, base_env, produce, run_state
from test_pipeline_dag import expected_totals, gold_totals


def backfill(home, conf, variables):
    env = base_env(home)
    for name, value in variables.items():
        env["AIRFLOW_VAR_" + name.upper()] = str(value)
    return subprocess.run([str(AIRFLOW), "dags", "test", "pedidos_backfill", "-c", conf], env=env,
                          capture_output=True, text=True, timeout=600)


def test_backfill_catch_up_and_unsupported_mode(airflow_home, jsm_bin, broker, real_orders, tmp_path):
    produce(jsm_bin, broker, real_orders)
    lake = tmp_path / "lake"
    subprocess.run([jsm_bin, "--log-level", "warn", "run", "--bootstrap", broker, "--lakehouse", str(lake),
                    "--stage", "ingest", "--available-now"], check=True, capture_output=True, timeout=300)
    variables = {"jsm_bin": jsm_bin, "jsm_lakehouse": lake, "jsm_bootstrap": broker,
                 "jsm_stderr_dir": tmp_path / "stderr"}

    unsupported = backfill(airflow_home, '{"mode": "rebuild_from_bronze_version", "bronze_version": 1}', variables)
    assert run_state(unsupported) == "failed"
    assert "no --from-bronze-version" in unsupported.stdout + unsupported.stderr
    assert not (lake / "silver" / "pedidos").exists()

    caught_up = backfill(airflow_home, '{"mode": "catch_up"}', variables)
    assert run_state(caught_up) == "success", caught_up.stdout[-4000:] + caught_up.stderr[-4000:]
    assert gold_totals(lake) == expected_totals(real_orders)
