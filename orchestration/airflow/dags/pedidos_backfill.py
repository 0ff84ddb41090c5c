"""pedidos_backfill (manual, with parameters): bring silver and gold up to date again from bronze.

Modes (param `mode`):
- `catch_up` (default): `jsm run --stage refine --available-now` refines every bronze version after
  silver's `jsm-refine` txn, then `--stage aggregate --available-now` rewrites the gold tables that are
  behind silver, then the quality gate.
- `rebuild_from_bronze_version` (param `bronze_version` V, required): `jsm run --stage refine
  --from-bronze-version V --available-now` replaces silver and quarantine, one overwrite commit each, with
  every bronze row up to and including version V refined by the CURRENT normalization and expectations
  (the refine txn is set to V: the next pedidos_pipeline run continues at V+1); then `--stage aggregate
  --full-refresh` recomputes every gold table from the new silver. jsm refuses, writing nothing, a V that
  bronze does not have, whose log or data files were cleaned up, or that is older than a bronze erase.
  If it fails between its two commits, running it again converges (the pipeline refuses to go on until then).
- `full_refresh_gold`: refine what is pending (as catch_up), then `--stage aggregate --full-refresh`
  recomputes every gold table from the whole of silver and overwrites each in one commit.
A refusal (jsm exit 4: nothing written, e.g. a version bronze does not have) or a bad parameter (exit 2)
fails its task at once, without retries; other failures are retried with backoff.
Pause pedidos_pipeline while a rebuild runs: a concurrent refine commit makes the rebuild's commit conflict.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta

import pendulum
from airflow.sdk import DAG, Param

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # jsm_common beside this file, wherever deployed
from jsm_common import QUALITY_GATE_NOT_RETRIED_EXIT_CODES, JsmBashOperator, default_args, jsm_bash  # noqa: E402

with DAG(
    dag_id="pedidos_backfill",
    description="Manual: catch up, rebuild silver and gold from a bronze version, or fully refresh gold",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=default_args(execution_timeout=timedelta(hours=4)),
    params={
        "mode": Param("catch_up", type="string",
                      enum=["catch_up", "rebuild_from_bronze_version", "full_refresh_gold"],
                      description="catch_up: refine + aggregate everything pending; "
                                  "rebuild_from_bronze_version: rebuild silver, quarantine and gold from bronze "
                                  "as of bronze_version; full_refresh_gold: recompute every gold table from silver"),
        "bronze_version": Param(None, type=["null", "integer"], minimum=0,
                                description="rebuild_from_bronze_version: the bronze version to rebuild from "
                                            "(see `jsm table history bronze/pedidos`)"),
    },
    tags=["jsm", "backfill"],
) as dag:
    dag.doc_md = __doc__

    plan = JsmBashOperator(
        task_id="plan",
        bash_command=(
            'MODE="{{ params.mode }}"\n'
            'V="{{ params.bronze_version if params.bronze_version is not none else \'\' }}"\n'
            'case "$MODE" in\n'
            '  catch_up) echo "mode catch_up: refine and aggregate everything pending from bronze";;\n'
            '  full_refresh_gold) echo "mode full_refresh_gold: refine what is pending, then recompute every'
            ' gold table from the whole of silver";;\n'
            '  rebuild_from_bronze_version)\n'
            '    if [ -z "$V" ]; then echo "mode rebuild_from_bronze_version needs the param bronze_version'
            ' (see jsm table history bronze/pedidos)" >&2; exit 2; fi\n'
            '    echo "mode rebuild_from_bronze_version: replace silver and quarantine with bronze as of version'
            ' $V, then recompute every gold table";;\n'
            '  *) echo "unknown mode $MODE" >&2; exit 2;;\n'
            'esac\n'
        ),
        execution_timeout=timedelta(minutes=1),  # exit 2 (a missing or unknown parameter) is not retried
    )
    refine = JsmBashOperator(
        task_id="refine",
        bash_command=jsm_bash('run $CFG --bootstrap "$BOOT" --topic "$TOPIC" --lakehouse "$LAKE" '
                              '--stage refine --available-now'
                              "{% if params.mode == 'rebuild_from_bronze_version' %}"
                              ' --from-bronze-version {{ params.bronze_version }}{% endif %}'),
    )
    aggregate = JsmBashOperator(
        task_id="aggregate",
        bash_command=jsm_bash('run $CFG --bootstrap "$BOOT" --topic "$TOPIC" --lakehouse "$LAKE" '
                              '--stage aggregate --available-now'
                              "{% if params.mode != 'catch_up' %} --full-refresh{% endif %}"),
    )
    quality_gate = JsmBashOperator(
        task_id="quality_gate",
        bash_command=jsm_bash('quality report --lakehouse "$LAKE" --min-pass-rate '
                              + '"{{ var.value.get(\'jsm_min_pass_rate\', \'0.99\') }}"'),
        no_retry_exit_codes=QUALITY_GATE_NOT_RETRIED_EXIT_CODES,  # below the threshold: fail at once
        execution_timeout=timedelta(minutes=10),
    )
    plan >> refine >> aggregate >> quality_gate
