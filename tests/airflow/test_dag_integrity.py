"""DAG integrity: every DAG file imports, with the designed tasks, dependencies, retries and timeouts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import DAGS


@pytest.fixture(scope="module")
def dagbag(airflow_home, monkeypatch_module):
    from airflow.dag_processing.dagbag import DagBag
    return DagBag(dag_folder=str(DAGS))


@pytest.fixture(scope="module")
def monkeypatch_module(airflow_home):
    mp = pytest.MonkeyPatch()
    mp.setenv("AIRFLOW_HOME", str(airflow_home))
    yield mp
    mp.undo()


def test_every_dag_imports_without_error(dagbag):
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == {"pedidos_pipeline", "pedidos_maintenance", "pedidos_backfill"}


def edges(dag):
    return {(t.task_id, d) for t in dag.tasks for d in t.downstream_task_ids}


def test_pipeline_tasks_and_order(dagbag):
    dag = dagbag.dags["pedidos_pipeline"]
    assert edges(dag) == {("wait_for_new_messages", "ingest"), ("ingest", "refine"), ("refine", "aggregate"),
                          ("aggregate", "quality_gate")}
    for stage in ("ingest", "refine", "aggregate"):
        command = dag.get_task(stage).bash_command
        assert f"--stage {stage} --available-now" in command
    assert "--min-pass-rate" in dag.get_task("quality_gate").bash_command
    assert dag.max_active_runs == 1


def test_gold_tables_are_assets_of_the_quality_gate(dagbag):
    outlets = dagbag.dags["pedidos_pipeline"].get_task("quality_gate").outlets
    assert sorted(a.uri for a in outlets) == sorted(
        f"jsm://lakehouse/gold/{t}" for t in
        ("daily_sales", "product_performance", "country_summary", "customer_rfm", "monthly_kpis"))


def test_maintenance_tables_in_dependency_order(dagbag):
    dag = dagbag.dags["pedidos_maintenance"]
    import pedidos_maintenance as m
    order = [t.replace("/", "__") for t in m.TABLES]
    assert order.index("bronze__pedidos") < order.index("silver__pedidos") < order.index("gold__daily_sales")
    e = edges(dag)
    for group in order:
        assert (f"{group}.optimize", f"{group}.checkpoint") in e
        assert (f"{group}.checkpoint", f"{group}.vacuum") in e
    for before, after in zip(order, order[1:]):
        assert (f"{before}.vacuum", f"{after}.optimize") in e
    assert (f"{order[-1]}.vacuum", "dlq_report") in e and ("dlq_report", "dlq_replay") in e
    assert "dlq replay" in dag.get_task("dlq_replay").bash_command
    assert "--reason" in dag.get_task("dlq_replay").bash_command


def test_backfill_is_manual_with_params(dagbag):
    dag = dagbag.dags["pedidos_backfill"]
    assert type(dag.timetable).__name__ == "NullTimetable"  # schedule=None: manual only
    assert set(dag.params.keys()) == {"mode", "bronze_version"}
    assert set(dag.params.get_param("mode").schema["enum"]) == {"catch_up", "rebuild_from_bronze_version",
                                                               "full_refresh_gold"}
    assert "--from-bronze-version {{ params.bronze_version }}" in dag.get_task("refine").bash_command
    assert "--full-refresh" in dag.get_task("aggregate").bash_command
    assert edges(dag) == {("plan", "refine"), ("refine", "aggregate"), ("aggregate", "quality_gate")}


QUALITY_GATES = {("pedidos_pipeline", "quality_gate"), ("pedidos_backfill", "quality_gate")}


def test_every_task_has_timeout_callback_and_backoff_retries(dagbag):
    for dag in dagbag.dags.values():
        for task in dag.tasks:
            assert task.execution_timeout is not None and task.execution_timeout <= timedelta(hours=4), task
            assert task.on_failure_callback, task
            assert task.retries >= 1, task
            assert task.retry_exponential_backoff, task


def test_refusals_fail_without_retry_and_other_failures_are_retried(dagbag):
    """Every bash task is a JsmBashOperator: exit 2 (usage) and 4 (refused) fail at once; a quality gate also
    on 3 (below its threshold); any other non-zero exit is retried."""
    from jsm_common import JsmBashOperator

    for dag in dagbag.dags.values():
        for task in dag.tasks:
            if task.task_id == "wait_for_new_messages":
                continue  # the lag sensor (Python): retried, and soft_fail skips the run
            assert isinstance(task, JsmBashOperator), task
            expected = (2, 3, 4) if (dag.dag_id, task.task_id) in QUALITY_GATES else (2, 4)
            assert sorted(task.no_retry_exit_codes) == list(expected), task
            assert 1 not in task.no_retry_exit_codes


def _fake_context_run(operator, exit_code):
    """Runs `operator.execute` with bash replaced by `exit N`; returns the exception raised."""
    operator.bash_command = f"exit {exit_code}"
    try:
        operator.execute({})
    except Exception as raised:  # noqa: BLE001 — the test inspects its type
        return raised
    return None


@pytest.mark.parametrize("exit_code,kind", [(1, "retry"), (2, "fail"), (3, "retry"), (4, "fail"), (99, "skip")])
def test_operator_turns_exit_codes_into_fail_retry_or_skip(airflow_home, monkeypatch, exit_code, kind):
    from airflow.sdk.exceptions import AirflowException, AirflowFailException, AirflowSkipException
    from jsm_common import JsmBashOperator

    monkeypatch.setattr(JsmBashOperator, "get_env", lambda self, context: dict(__import__("os").environ))
    raised = _fake_context_run(JsmBashOperator(task_id="t", bash_command="true"), exit_code)
    assert isinstance(raised, AirflowException), raised
    assert isinstance(raised, AirflowFailException) == (kind == "fail"), raised
    assert isinstance(raised, AirflowSkipException) == (kind == "skip"), raised
    if kind == "fail":
        assert f"exit code {exit_code}" in str(raised)


def test_quality_gate_operator_does_not_retry_a_verdict(airflow_home, monkeypatch):
    from airflow.sdk.exceptions import AirflowFailException
    from jsm_common import QUALITY_GATE_NOT_RETRIED_EXIT_CODES, JsmBashOperator

    monkeypatch.setattr(JsmBashOperator, "get_env", lambda self, context: dict(__import__("os").environ))
    gate = JsmBashOperator(task_id="gate", bash_command="true", no_retry_exit_codes=QUALITY_GATE_NOT_RETRIED_EXIT_CODES)
    assert isinstance(_fake_context_run(gate, 3), AirflowFailException)
    assert not isinstance(_fake_context_run(gate, 1), AirflowFailException)


def test_no_secret_or_fixed_setting_in_dag_files():
    text = "\n".join(p.read_text() for p in DAGS.glob("*.py")).lower()
    for word in ("password=", "secret=", "sas_token=", "accountkey="):
        assert word not in text
