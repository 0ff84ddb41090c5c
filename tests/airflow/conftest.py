"""Fixtures of the Airflow DAG tests. Run with .venv-airflow's python (make airflow-test / make test).

- a temporary AIRFLOW_HOME with its own SQLite metadata DB, migrated once per session;
- `jsm broker` (the embedded broker as a process) on free ports, stopped afterwards;
- delta-rs reads through the project .venv (deltalake is not installed next to Airflow: pins clash).
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DAGS = ROOT / "orchestration" / "airflow" / "dags"
AIRFLOW = pathlib.Path(sys.executable).parent / "airflow"
JSM_BIN = os.environ.get("JSM_BIN") or str(ROOT / "build" / "jsm")
DATA_CSV = os.environ.get("JSM_DATA_CSV") or str(ROOT.parent / "shared" / "data" / "sales_transactions_v4a.csv")
PEER_PYTHON = os.environ.get("JSM_PEER_PYTHON") or str(ROOT / ".venv" / "bin" / "python")

sys.path.insert(0, str(DAGS))


@pytest.fixture(scope="session")
def airflow_home(tmp_path_factory):
    """A migrated AIRFLOW_HOME (SQLite) used by every `airflow` call of the session."""
    home = tmp_path_factory.mktemp("airflow_home")
    env = base_env(home)
    started = time.monotonic()
    subprocess.run([str(AIRFLOW), "db", "migrate"], env=env, check=True, capture_output=True, timeout=300)
    print(f"airflow db migrate: {time.monotonic() - started:.1f} s")
    return home


def base_env(home) -> dict:
    """Environment of an `airflow` process: our DAG folder, no examples, a quick retry delay."""
    env = dict(os.environ)
    env.update({
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "false",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "false",
        "JSM_AIRFLOW_RETRY_DELAY_SECONDS": "1",
    })
    return env


@pytest.fixture(scope="session")
def jsm_bin():
    if not os.access(JSM_BIN, os.X_OK):
        pytest.skip(f"jsm binary not found at {JSM_BIN} (build it or set JSM_BIN)")
    return JSM_BIN


@pytest.fixture
def broker(jsm_bin, tmp_path):
    """A `jsm broker` process; yields its bootstrap address, stops it afterwards."""
    out = open(tmp_path / "broker.out", "w+")
    proc = subprocess.Popen([jsm_bin, "broker"], stdout=out, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    address = ""
    while time.monotonic() < deadline and not address:
        out.seek(0)
        first = out.readline()
        if first.endswith("\n"):
            address = first.strip()
        elif proc.poll() is not None:
            break
        else:
            time.sleep(0.05)
    if not address:
        proc.kill()
        pytest.fail("jsm broker printed no bootstrap address within 30 s")
    yield address
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def real_orders(tmp_path_factory):
    """The first 20,000 lines of the real order file (header kept)."""
    if not os.path.exists(DATA_CSV):
        pytest.skip(f"real order file absent: {DATA_CSV}")
    path = tmp_path_factory.mktemp("orders") / "orders.csv"
    with open(DATA_CSV, encoding="utf-8", newline="") as src, open(path, "w", encoding="utf-8", newline="") as dst:
        for i, line in enumerate(src):
            if i > 20000:
                break
            dst.write(line)
    return path


def produce(jsm_bin, bootstrap, csv_path):
    subprocess.run([jsm_bin, "--log-level", "warn", "produce", "--bootstrap", bootstrap, "--input", str(csv_path)],
                   check=True, capture_output=True, timeout=120)


def dags_test(home, dag_id, variables: dict, extra_env: dict | None = None, timeout=600):
    """`airflow dags test DAG_ID` with Airflow Variables given as AIRFLOW_VAR_* ; returns the CompletedProcess."""
    env = base_env(home)
    for name, value in variables.items():
        env["AIRFLOW_VAR_" + name.upper()] = str(value)
    env.update(extra_env or {})
    return subprocess.run([str(AIRFLOW), "dags", "test", dag_id], env=env, capture_output=True, text=True,
                          timeout=timeout)


def run_state(proc) -> str:
    """The final DagRun state printed by `airflow dags test`."""
    text = proc.stdout + proc.stderr
    marker = "DagRun Finished:"
    states = [line.split("state=")[1].split(",")[0] for line in text.splitlines()
              if marker in line and "state=" in line]
    return states[-1] if states else "unknown"


def delta_rs(script: str) -> dict:
    """Runs `script` (which sets `result`) in the project .venv with deltalake; returns `result`."""
    if not os.access(PEER_PYTHON, os.X_OK):
        pytest.skip(f"project .venv with deltalake absent: {PEER_PYTHON}")
    code = ("import json, os, sys, deltalake\n" + script +
            "\nsys.stdout.write(json.dumps(result, default=str)); sys.stdout.flush(); os._exit(0)\n")
    proc = subprocess.run([PEER_PYTHON, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.stdout, proc.stderr
    return json.loads(proc.stdout)
