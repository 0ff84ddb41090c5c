"""`airflow dags test pedidos_backfill` for real, against `jsm broker` holding real orders, one run per mode:
catch_up refines and aggregates what bronze holds; rebuild_from_bronze_version without a version fails at
`plan` and writes nothing; with a version it replaces silver (one overwrite commit, txn at that version) and
refreshes gold with the expected numbers while later bronze versions stay unrefined; full_refresh_gold
refines what is pending and rewrites every gold table (one more commit each) with the same numbers; a version
bronze does not have is refused by jsm (exit 4) and fails `refine` after one try, without retries."""

from __future__ import annotations

import subprocess

from conftest import AIRFLOW, base_env, delta_rs, produce, run_state
from test_pipeline_dag import expected_totals, gold_totals

GOLD = ("daily_sales", "product_performance", "country_summary", "customer_rfm", "monthly_kpis")


def backfill(home, conf, variables, extra_env=None):
    env = base_env(home)
    for name, value in variables.items():
        env["AIRFLOW_VAR_" + name.upper()] = str(value)
    env.update(extra_env or {})
    return subprocess.run([str(AIRFLOW), "dags", "test", "pedidos_backfill", "-c", conf], env=env,
                          capture_output=True, text=True, timeout=600)


def versions(lake) -> dict:
    """Latest version of bronze, silver and each gold table, silver's refine txn and its newest operation."""
    return delta_rs(f"""
import pathlib
lake = pathlib.Path({str(lake)!r})
result = {{name: deltalake.DeltaTable(str(lake / name)).version()
          for name in ["bronze/pedidos", "silver/pedidos"] + ["gold/" + g for g in {list(GOLD)!r}]}}
silver = deltalake.DeltaTable(str(lake / "silver/pedidos"))
newest = silver.history(1)[0]
result["silver_operation"] = newest["operation"] + " " + str(newest.get("operationParameters", {{}}).get("mode"))
txn = None
for path in sorted((lake / "silver/pedidos/_delta_log").glob("*.json")):
    for line in path.read_text().splitlines():
        action = __import__("json").loads(line)
        if "txn" in action and action["txn"]["appId"] == "jsm-refine":
            txn = action["txn"]["version"]
result["refine_txn"] = txn
""")


def test_backfill_modes(airflow_home, jsm_bin, broker, real_orders, tmp_path):
    produce(jsm_bin, broker, real_orders)
    lake = tmp_path / "lake"
    ingest = [jsm_bin, "--log-level", "warn", "run", "--bootstrap", broker, "--lakehouse", str(lake),
              "--stage", "ingest", "--available-now"]
    subprocess.run(ingest, check=True, capture_output=True, timeout=300)
    variables = {"jsm_bin": jsm_bin, "jsm_lakehouse": lake, "jsm_bootstrap": broker,
                 "jsm_stderr_dir": tmp_path / "stderr"}
    expected = expected_totals(real_orders)

    no_version = backfill(airflow_home, '{"mode": "rebuild_from_bronze_version"}', variables)
    assert run_state(no_version) == "failed"
    assert "needs the param bronze_version" in no_version.stdout + no_version.stderr
    assert not (lake / "silver" / "pedidos").exists()

    caught_up = backfill(airflow_home, '{"mode": "catch_up"}', variables)
    assert run_state(caught_up) == "success", caught_up.stdout[-4000:] + caught_up.stderr[-4000:]
    assert gold_totals(lake) == expected
    v = versions(lake)["bronze/pedidos"]

    # The same orders again reach bronze (exact repeats: silver drops them), not yet refined.
    produce(jsm_bin, broker, real_orders)
    subprocess.run(ingest, check=True, capture_output=True, timeout=300)
    before = versions(lake)
    assert before["bronze/pedidos"] > v

    rebuilt = backfill(airflow_home, '{"mode": "rebuild_from_bronze_version", "bronze_version": %d}' % v, variables)
    assert run_state(rebuilt) == "success", rebuilt.stdout[-4000:] + rebuilt.stderr[-4000:]
    after = versions(lake)
    assert after["silver_operation"] == "WRITE Overwrite"
    assert after["silver/pedidos"] == before["silver/pedidos"] + 1  # one overwrite commit
    assert after["refine_txn"] == v  # later bronze versions are left to the next run
    for g in GOLD:
        assert after["gold/" + g] == before["gold/" + g] + 1, g
    assert gold_totals(lake) == expected

    refreshed = backfill(airflow_home, '{"mode": "full_refresh_gold"}', variables)
    assert run_state(refreshed) == "success", refreshed.stdout[-4000:] + refreshed.stderr[-4000:]
    final = versions(lake)
    assert final["refine_txn"] == final["bronze/pedidos"]  # the pending versions were refined
    for g in GOLD:
        assert final["gold/" + g] >= after["gold/" + g] + 1, g
    assert gold_totals(lake) == expected


def test_a_refused_rebuild_fails_after_one_try_with_the_jsm_refusal(airflow_home, jsm_bin, broker, real_orders,
                                                                      tmp_path):
    """A bronze version bronze does not have: jsm refuses (exit 4), the task fails at once, not retried."""
    produce(jsm_bin, broker, real_orders)
    lake = tmp_path / "lake"
    subprocess.run([jsm_bin, "--log-level", "warn", "run", "--bootstrap", broker, "--lakehouse", str(lake),
                    "--stage", "ingest", "--available-now"], check=True, capture_output=True, timeout=300)
    stderr_dir = tmp_path / "stderr"
    failures = tmp_path / "failures.log"
    variables = {"jsm_bin": jsm_bin, "jsm_lakehouse": lake, "jsm_bootstrap": broker, "jsm_stderr_dir": stderr_dir}
    env = {"JSM_AIRFLOW_FAILURE_LOG": str(failures)}
    refused = backfill(airflow_home, '{"mode": "rebuild_from_bronze_version", "bronze_version": 1000000}',
                       variables, env)
    output = refused.stdout + refused.stderr
    assert run_state(refused) == "failed", output[-4000:]
    logged = failures.read_text()
    assert "(final): dag=pedidos_backfill stage=refine try=1" in logged, logged
    assert "(will retry)" not in logged, logged  # no retry at all
    assert "has versions 0 to" in logged  # jsm's refusal, from its stderr
    assert "AirflowFailException" in logged and "exit code 4" in logged
    tries = sorted(p.name for p in stderr_dir.rglob("refine.*.stderr"))
    assert tries == ["refine.1.stderr"], tries  # exactly one try ran
    assert "stage=aggregate" not in logged and "stage=quality_gate" not in logged
    # Nothing written: the refine stage creates an empty silver table at start, the refusal adds no row to it.
    assert list((lake / "silver" / "pedidos").rglob("*.parquet")) == []
