"""pedidos_maintenance (daily): optimize, checkpoint and vacuum every table in dependency order, then a
dead-letter report and the replay of the letters whose reason is in the configured replayable set.

Tables are maintained source first (bronze, silver, quarantine, gold, system tables), each with
optimize -> checkpoint -> vacuum, so a table is compacted before its checkpoint and vacuumed last.
A table a local lakehouse does not hold yet (e.g. _system/dlq_parked) is skipped, not failed.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta

import pendulum
from airflow.sdk import DAG, TaskGroup

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # jsm_common beside this file, wherever deployed
from jsm_common import JsmBashOperator, default_args, jsm_bash  # noqa: E402

#: Every table of the lakehouse, in dependency order (a table after the ones it is computed from).
TABLES = [
    "bronze/pedidos",
    "silver/pedidos",
    "silver/pedidos_quarantine",
    "gold/daily_sales",
    "gold/product_performance",
    "gold/country_summary",
    "gold/customer_rfm",
    "gold/monthly_kpis",
    "_system/event_log",
    "_system/dlq_parked",
]

VACUUM_PRE = (
    'RH="{{ var.value.get(\'jsm_vacuum_retain_hours\', \'\') }}"',
    'FORCE=""; if [ "{{ var.value.get(\'jsm_vacuum_force\', \'false\') }}" = "true" ]; then FORCE="--force"; fi',
)

with DAG(
    dag_id="pedidos_maintenance",
    description="Daily Delta maintenance of every JSM table and the dead-letter queue",
    schedule="@daily",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=default_args(execution_timeout=timedelta(hours=2)),
    tags=["jsm", "maintenance"],
) as dag:
    previous = None
    for table in TABLES:
        with TaskGroup(group_id=table.replace("/", "__")) as group:
            optimize = JsmBashOperator(
                task_id="optimize",
                bash_command=jsm_bash(f'table optimize {table} --lakehouse "$LAKE"', skip_missing_table=table),
                trigger_rule="none_failed",
            )
            checkpoint = JsmBashOperator(
                task_id="checkpoint",
                bash_command=jsm_bash(f'table checkpoint {table} --lakehouse "$LAKE"', skip_missing_table=table),
            )
            vacuum = JsmBashOperator(
                task_id="vacuum",
                bash_command=jsm_bash(f'table vacuum {table} --lakehouse "$LAKE" ${{RH:+--retain-hours $RH}} $FORCE',
                                      skip_missing_table=table, pre=VACUUM_PRE),
            )
            optimize >> checkpoint >> vacuum
        if previous is not None:
            previous >> group
        previous = group

    dlq_report = JsmBashOperator(
        task_id="dlq_report",
        bash_command=jsm_bash('dlq list $CFG --bootstrap "$BOOT" --topic "$TOPIC" --lakehouse "$LAKE"'),
        execution_timeout=timedelta(minutes=15),
        trigger_rule="none_failed",
    )
    dlq_replay = JsmBashOperator(
        task_id="dlq_replay",
        bash_command=jsm_bash(
            'dlq replay $CFG --bootstrap "$BOOT" --topic "$TOPIC" --lakehouse "$LAKE" --reason "$REASON"',
            pre=('REASONS="{{ var.value.get(\'jsm_dlq_replayable_reasons\', \'\') }}"',
                 'if [ -z "$REASONS" ]; then echo "no replayable reason configured (jsm_dlq_replayable_reasons)"; exit 0; fi'),
            for_each=("REASON", "${REASONS//,/ }"),
        ),
        execution_timeout=timedelta(minutes=30),
    )
    previous >> dlq_report >> dlq_replay
