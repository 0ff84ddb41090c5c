"""pedidos_pipeline: wait for new order messages, then ingest -> refine -> aggregate -> quality gate.

Airflow runs no long-lived stream: each stage is one `jsm run --stage X --available-now`, which processes
everything the topic/table holds now and exits. The gold tables are published as Assets by the quality
gate (only data that passed the gate triggers downstream DAGs such as a BI refresh).
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta

import pendulum
from airflow.sdk import DAG, Asset, task

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # jsm_common beside this file, wherever deployed
from jsm_common import QUALITY_GATE_NOT_RETRIED_EXIT_CODES, JsmBashOperator, default_args, jsm_bash, log  # noqa: E402

GOLD_TABLES = ["daily_sales", "product_performance", "country_summary", "customer_rfm", "monthly_kpis"]

#: One Asset per gold table; downstream DAGs schedule on them (schedule=[GOLD_ASSETS[...]]).
GOLD_ASSETS = [Asset(name=f"jsm_gold_{t}", uri=f"jsm://lakehouse/gold/{t}", group="jsm_gold") for t in GOLD_TABLES]


def _lag(bootstrap: str, topic: str, group: str, timeout_s: float = 10.0) -> int:
    """Messages on `topic` not yet ingested: high watermark minus the ingest group's committed offset."""
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False})
    try:
        meta = consumer.list_topics(topic, timeout=timeout_s)
        tmeta = meta.topics.get(topic)
        if tmeta is None or tmeta.error is not None:
            raise RuntimeError(f"topic {topic} not available on {bootstrap}: {tmeta.error if tmeta else 'absent'}")
        parts = [TopicPartition(topic, p) for p in sorted(tmeta.partitions)]
        committed = {tp.partition: tp.offset for tp in consumer.committed(parts, timeout=timeout_s)}
        lag = 0
        for tp in parts:
            low, high = consumer.get_watermark_offsets(tp, timeout=timeout_s)
            done = committed.get(tp.partition, -1)
            lag += max(0, high - (done if done >= 0 else low))
        return lag
    finally:
        consumer.close()


with DAG(
    dag_id="pedidos_pipeline",
    description="Kafka pedidos -> bronze -> silver -> gold, with a quality gate",
    schedule=timedelta(minutes=15),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=default_args(execution_timeout=timedelta(hours=1)),
    tags=["jsm", "pipeline"],
) as dag:

    @task.sensor(task_id="wait_for_new_messages", poke_interval=30, timeout=3600, mode="poke",
                 soft_fail=True, retries=3, execution_timeout=timedelta(hours=1, minutes=5))
    def wait_for_new_messages():
        """True once the topic holds messages the ingest consumer group has not committed (its lag > 0)."""
        from airflow.sdk import Variable

        bootstrap = Variable.get("jsm_bootstrap", default="127.0.0.1:9092")
        topic = Variable.get("jsm_topic", default="pedidos")
        group = Variable.get("jsm_consumer_group", default="jsm-pipeline-ingest")
        lag = _lag(bootstrap, topic, group)
        log.info("topic %s on %s: %d message(s) not yet ingested by %s", topic, bootstrap, lag, group)
        return lag > 0

    stages = []
    for stage in ("ingest", "refine", "aggregate"):
        stages.append(JsmBashOperator(
            task_id=stage,
            bash_command=jsm_bash(f'run $CFG --bootstrap "$BOOT" --topic "$TOPIC" --lakehouse "$LAKE" '
                                  f'--stage {stage} --available-now'),
            execution_timeout=timedelta(hours=1),
        ))

    quality_gate = JsmBashOperator(
        task_id="quality_gate",
        bash_command=jsm_bash('quality report --lakehouse "$LAKE" --since 1d --min-pass-rate '
                              + '"{{ var.value.get(\'jsm_min_pass_rate\', \'0.99\') }}"'),
        execution_timeout=timedelta(minutes=10),
        # A pass rate below the threshold (exit 3) is not transient: fail the run loudly at once. A failure to
        # read the lakehouse (exit 1) is retried like any other.
        no_retry_exit_codes=QUALITY_GATE_NOT_RETRIED_EXIT_CODES,
        outlets=GOLD_ASSETS,
    )

    wait_for_new_messages() >> stages[0] >> stages[1] >> stages[2] >> quality_gate
