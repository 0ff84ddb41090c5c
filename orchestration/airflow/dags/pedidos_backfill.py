"""pedidos_backfill (manual, with parameters): bring silver and gold up to date again from bronze.

What jsm offers today, and so what this DAG does:
- mode `catch_up` (default): `jsm run --stage refine --available-now` refines every bronze version after
  silver's `jsm-refine` txn, then `--stage aggregate` rewrites every gold table whole from the current
  silver snapshot (it recomputes from the full snapshot whenever silver moved or a silver commit removed
  data), then the quality gate.
- mode `rebuild_from_bronze_version`: NOT offered by jsm. Refine always resumes after the txn recorded in
  silver (monotonic in the Delta log; `jsm table restore` does not rewind it), and aggregate does not rewrite
  gold when its txn already covers the silver version. Re-refining from bronze version V needs a jsm flag
  (e.g. `jsm run --stage refine --from-bronze-version V` and `--stage aggregate --full-refresh`) that does
  not exist yet: the run fails at `plan`, saying so, instead of pretending.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta

import pendulum
from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG, Param

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # jsm_common beside this file, wherever deployed
from jsm_common import default_args, jsm_bash  # noqa: E402

with DAG(
    dag_id="pedidos_backfill",
    description="Manual: refine and aggregate again from bronze (see the DAG doc for what jsm offers)",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=default_args(execution_timeout=timedelta(hours=4)),
    params={
        "mode": Param("catch_up", type="string", enum=["catch_up", "rebuild_from_bronze_version"],
                      description="catch_up: refine + aggregate everything pending; "
                                  "rebuild_from_bronze_version: not supported by jsm yet (fails at plan)"),
        "bronze_version": Param(0, type="integer", minimum=0, description="bronze version to rebuild from"),
    },
    tags=["jsm", "backfill"],
) as dag:
    dag.doc_md = __doc__

    plan = BashOperator(
        task_id="plan",
        bash_command=(
            'MODE="{{ params.mode }}"\n'
            'if [ "$MODE" = "rebuild_from_bronze_version" ]; then\n'
            '  echo "jsm cannot rebuild silver/gold from bronze version {{ params.bronze_version }}: it has no'
            ' --from-bronze-version / --full-refresh option (refine resumes after the jsm-refine txn)." >&2\n'
            '  exit 1\n'
            'fi\n'
            'echo "mode $MODE: refine and aggregate everything pending from bronze"\n'
        ),
        retries=0,
        execution_timeout=timedelta(minutes=1),
    )
    refine = BashOperator(
        task_id="refine",
        bash_command=jsm_bash('run $CFG --bootstrap "$BOOT" --topic "$TOPIC" --lakehouse "$LAKE" '
                              '--stage refine --available-now'),
    )
    aggregate = BashOperator(
        task_id="aggregate",
        bash_command=jsm_bash('run $CFG --bootstrap "$BOOT" --topic "$TOPIC" --lakehouse "$LAKE" '
                              '--stage aggregate --available-now'),
    )
    quality_gate = BashOperator(
        task_id="quality_gate",
        bash_command=jsm_bash('quality report --lakehouse "$LAKE" --min-pass-rate '
                              + '"{{ var.value.get(\'jsm_min_pass_rate\', \'0.99\') }}"'),
        retries=0,
        execution_timeout=timedelta(minutes=10),
    )
    plan >> refine >> aggregate >> quality_gate
