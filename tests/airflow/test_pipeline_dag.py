"""`airflow dags test pedidos_pipeline` for real: `jsm broker` holding real order lines, gold checked with
delta-rs against numbers computed here from the CSV; an injected transient failure retried; a quality gate
below its threshold failing the run."""

from __future__ import annotations

import csv
import decimal
import json
import os
import stat

import pytest

from conftest import dags_test, delta_rs, produce, run_state


def expected_totals(csv_path):
    """Σ lines, units and gross revenue of the distinct sale lines (silver drops exact repeats)."""
    rows = set()
    with open(csv_path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        for row in reader:
            rows.add(tuple(row))
    sales = [r for r in rows if int(r[5]) > 0]
    return {"silver_rows": len(rows), "lines": len(sales), "units": sum(int(r[5]) for r in sales),
            "gross": str(sum(decimal.Decimal(r[4]) * int(r[5]) for r in sales))}


def gold_totals(lake):
    return delta_rs(f"""
t = deltalake.DeltaTable({str(lake / 'gold' / 'country_summary')!r}).to_pyarrow_table().to_pylist()
result = {{"silver_rows": deltalake.DeltaTable({str(lake / 'silver' / 'pedidos')!r}).to_pyarrow_table().num_rows,
          "lines": sum(r["lines"] for r in t), "units": sum(r["units"] for r in t),
          "gross": str(sum(r["gross_revenue"] for r in t))}}
""")


def variables(jsm, lake, bootstrap, tmp_path, **more):
    v = {"jsm_bin": jsm, "jsm_lakehouse": lake, "jsm_bootstrap": bootstrap, "jsm_stderr_dir": tmp_path / "stderr"}
    v.update(more)
    return v


def test_pipeline_run_fills_gold_with_the_expected_numbers(airflow_home, jsm_bin, broker, real_orders, tmp_path):
    produce(jsm_bin, broker, real_orders)
    lake = tmp_path / "lake"
    proc = dags_test(airflow_home, "pedidos_pipeline", variables(jsm_bin, lake, broker, tmp_path))
    assert run_state(proc) == "success", proc.stdout[-4000:] + proc.stderr[-4000:]
    assert gold_totals(lake) == expected_totals(real_orders)


def flaky_jsm(tmp_path, jsm_bin, stage, marker):
    """A jsm wrapper whose first `--stage STAGE` call fails (while `marker` exists), like a broker hiccup."""
    script = tmp_path / "flaky-jsm"
    script.write_text(f"""#!/usr/bin/env bash
if [ -e {marker} ] && [[ " $* " == *" --stage {stage} "* ]]; then
  rm -f {marker}
  echo '{{"level":"error","msg":"injected transient failure","stage":"{stage}"}}' >&2
  exit 1
fi
exec {jsm_bin} "$@"
""")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_transient_failure_is_retried_and_the_run_succeeds(airflow_home, jsm_bin, broker, real_orders, tmp_path):
    produce(jsm_bin, broker, real_orders)
    lake = tmp_path / "lake"
    marker = tmp_path / "fail-once"
    marker.touch()
    failures = tmp_path / "failures.log"
    proc = dags_test(airflow_home, "pedidos_pipeline",
                     variables(str(flaky_jsm(tmp_path, jsm_bin, "refine", marker)), lake, broker, tmp_path),
                     extra_env={"JSM_AIRFLOW_FAILURE_LOG": str(failures)})
    assert run_state(proc) == "success", proc.stdout[-4000:] + proc.stderr[-4000:]
    assert not marker.exists()  # the first try did fail
    logged = failures.read_text()
    assert "(will retry): dag=pedidos_pipeline stage=refine try=1" in logged
    assert "injected transient failure" in logged and "(final)" not in logged
    assert gold_totals(lake) == expected_totals(real_orders)


def test_quality_gate_below_threshold_fails_the_run(airflow_home, jsm_bin, broker, real_orders, tmp_path):
    produce(jsm_bin, broker, real_orders)
    lake = tmp_path / "lake"
    failures = tmp_path / "failures.log"
    # The real lines miss a customer in a few rows: customer_present passes below 99.999 %.
    proc = dags_test(airflow_home, "pedidos_pipeline",
                     variables(jsm_bin, lake, broker, tmp_path, jsm_min_pass_rate="0.99999"),
                     extra_env={"JSM_AIRFLOW_FAILURE_LOG": str(failures)})
    assert run_state(proc) == "failed", proc.stdout[-4000:]
    logged = failures.read_text()
    assert "(final): dag=pedidos_pipeline stage=quality_gate try=1" in logged
    assert "(will retry)" not in logged  # exit 3 of the gate is a verdict: the gate has retries but no retry ran
    assert "AirflowFailException" in logged
    assert "below 0.99999" in logged  # the jsm error itself
    assert "stage=aggregate" not in logged  # the stages themselves succeeded
