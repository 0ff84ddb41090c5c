"""Shared helpers of the Python checks: where `jsm` and the real data are,
running `jsm`, starting `jsm broker`, and reading our tables with the peers."""

import os
import pathlib
import subprocess
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
JSM = os.environ.get("JSM_BIN", str(ROOT / "build" / "jsm"))
DATA_CSV = pathlib.Path(os.environ.get("JSM_DATA_CSV", str(ROOT.parent / "shared" / "data" / "sales_transactions_v4a.csv")))


def run_jsm(*args, timeout=600, check=True, env=None):
    """Runs `jsm ARGS`, returns the CompletedProcess (stdout/stderr as text)."""
    proc = subprocess.run([JSM, *map(str, args)], capture_output=True, text=True, timeout=timeout, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"jsm {' '.join(map(str, args))} exited {proc.returncode}\n"
                             f"stdout:\n{proc.stdout[-4000:]}\nstderr:\n{proc.stderr[-4000:]}")
    return proc


def wait_for(predicate, timeout, what):
    """Polls `predicate` until true or the deadline passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Broker:
    """A `jsm broker` process: the embedded broker shared by several jsm processes."""

    def __init__(self):
        self.proc = subprocess.Popen([JSM, "broker"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.bootstrap = self.proc.stdout.readline().strip()
        if not self.bootstrap:
            raise AssertionError("jsm broker printed no bootstrap address: " + self.proc.stderr.read())

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture
def broker():
    b = Broker()
    yield b
    b.stop()


@pytest.fixture
def real_csv():
    if not DATA_CSV.exists():
        pytest.skip(f"real data file {DATA_CSV} is absent (set JSM_DATA_CSV to run this test)")
    return DATA_CSV


def reconciliation(stdout):
    """Parses the reconciliation block printed by `jsm run --until-drained`."""
    numbers = {}
    lines = stdout.splitlines()
    assert "reconciliation" in lines, "no reconciliation in the output:\n" + stdout
    for line in lines[lines.index("reconciliation") + 1:]:
        parts = line.rsplit(None, 1)
        for label in ("produced", "bronze messages", "silver rows", "quarantined", "dead-lettered",
                      "duplicates removed"):
            if line.strip().startswith(label) and len(parts) == 2:
                numbers[label] = int(parts[1])
        if line.strip().startswith("gold net revenue"):
            numbers["gold net revenue"] = line.split()[-2]
    return numbers
