"""The lag check behind `wait_for_new_messages`, against `jsm broker`: no lag on an empty topic, the produced
count before ingest, 0 once `jsm run --stage ingest` has committed, and the new messages after more produce."""

from __future__ import annotations

import subprocess

from conftest import produce


def test_lag_follows_produce_and_ingest(airflow_home, jsm_bin, broker, real_orders, tmp_path):
    import pedidos_pipeline

    group = "jsm-pipeline-ingest"
    assert pedidos_pipeline._lag(broker, "pedidos", group) == 0
    produce(jsm_bin, broker, real_orders)
    assert pedidos_pipeline._lag(broker, "pedidos", group) == 20000
    ingest = [jsm_bin, "--log-level", "warn", "run", "--bootstrap", broker, "--lakehouse", str(tmp_path / "lake"),
              "--stage", "ingest", "--available-now"]
    subprocess.run(ingest, check=True, capture_output=True, timeout=300)
    assert pedidos_pipeline._lag(broker, "pedidos", group) == 0
    produce(jsm_bin, broker, real_orders)
    assert pedidos_pipeline._lag(broker, "pedidos", group) == 20000
