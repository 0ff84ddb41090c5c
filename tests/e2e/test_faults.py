"""Every fault ends in recovery or in a clear, bounded failure (docs/faults.md), with the real binary:
a full disk and a read-only lakehouse are refused (exit 4) instead of retried for ever, a bounded run
whose stage cannot make progress gives up after --max-wait (exit 1) saying what it waited for, a
continuous run stopped while a stage keeps failing exits 1, not 0, and --available-now prints the books."""

import signal
import subprocess
import threading
import time

import deltalake
import pytest

from conftest import JSM, Broker, run_jsm, wait_for
from e2e.exact_messages import produce_exact


@pytest.fixture
def small_tmpfs(tmp_path):
    """A tmpfs of 2 MiB mounted at tmp_path/mnt (needs root), unmounted at the end."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs (needs root): {proc.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_a_full_disk_ends_the_run_with_exit_4_and_the_reason_instead_of_retrying(small_tmpfs):
    lake = small_tmpfs / "lakehouse"
    started = time.monotonic()
    proc = run_jsm("run", "--until-drained", "--synthetic", 100000, "--lakehouse", lake, check=False, timeout=240)
    assert proc.returncode == 4, proc.stdout[-2000:] + proc.stderr[-3000:]
    assert "resource_exhausted" in proc.stderr and "No space left on device" in proc.stderr, proc.stderr[-3000:]
    assert "transient failure, retrying" not in proc.stderr, "a full disk is not retried"
    assert time.monotonic() - started < 200


def test_a_read_only_lakehouse_ends_the_run_with_exit_4_and_the_reason(small_tmpfs):
    lake = small_tmpfs / "lakehouse"
    run_jsm("run", "--until-drained", "--synthetic", 200, "--lakehouse", lake, timeout=240)
    subprocess.run(["mount", "-o", "remount,ro", str(small_tmpfs)], check=True)
    proc = run_jsm("run", "--until-drained", "--synthetic", 200, "--lakehouse", lake, check=False, timeout=240)
    assert proc.returncode == 4, proc.stdout[-2000:] + proc.stderr[-3000:]
    assert "permission_denied" in proc.stderr and "Read-only file system" in proc.stderr, proc.stderr[-3000:]
    # What was there is still read.
    assert run_jsm("table", "describe", "silver/pedidos", "--lakehouse", lake).returncode == 0


def test_available_now_ends_with_the_books(tmp_path):
    lake = tmp_path / "lakehouse"
    run_jsm("run", "--until-drained", "--synthetic", 500, "--lakehouse", lake, timeout=240)
    proc = run_jsm("run", "--available-now", "--lakehouse", lake, timeout=240)
    assert "\nreconciliation\n" in proc.stdout, proc.stdout
    assert "bronze messages" in proc.stdout and "silver rows" in proc.stdout and "gold net revenue" in proc.stdout
    assert "produced" not in proc.stdout, "nothing was produced by an --available-now run"
    assert "balanced:" in proc.stdout, proc.stdout


@pytest.fixture
def bronze_with_dead_letters_and_no_broker(tmp_path):
    """A lakehouse whose bronze holds messages refine must dead-letter, read from a `jsm broker`
    that is then gone: refine cannot deliver its dead letters, and cannot make progress."""
    lake = tmp_path / "lakehouse"
    broker = Broker()
    try:
        for i in range(3):
            produce_exact(broker.bootstrap, "pedidos", b"bad-%d" % i, b"not json %d" % i, [], tmp_path)
        run_jsm("produce", "--bootstrap", broker.bootstrap, "--synthetic", 50, timeout=120)
        run_jsm("run", "--stage", "ingest", "--available-now", "--bootstrap", broker.bootstrap, "--lakehouse", lake,
                timeout=240)
    finally:
        bootstrap = broker.bootstrap
        broker.stop()
    return lake, bootstrap


def test_a_bounded_run_that_cannot_progress_gives_up_after_max_wait_saying_what_it_waited_for(
        bronze_with_dead_letters_and_no_broker):
    lake, bootstrap = bronze_with_dead_letters_and_no_broker
    started = time.monotonic()
    proc = run_jsm("run", "--stage", "refine", "--available-now", "--bootstrap", bootstrap, "--lakehouse", lake,
                   "--max-wait", 5, check=False, timeout=180)
    took = time.monotonic() - started
    assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr[-3000:]
    assert "timeout: refine: no progress for" in proc.stderr and "(--max-wait 5 s)" in proc.stderr, proc.stderr[-3000:]
    assert "last error:" in proc.stderr, proc.stderr[-3000:]
    assert took < 120, f"gave up after {took:.0f} s"


def test_a_continuous_run_stopped_while_a_stage_keeps_failing_exits_1_not_0(bronze_with_dead_letters_and_no_broker):
    lake, bootstrap = bronze_with_dead_letters_and_no_broker
    proc = subprocess.Popen([JSM, "run", "--stage", "refine", "--bootstrap", bootstrap, "--lakehouse", str(lake)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    err_lines = []
    reader = threading.Thread(target=lambda: err_lines.extend(iter(proc.stderr.readline, "")), daemon=True)
    reader.start()
    try:
        wait_for(lambda: any("transient failure, retrying" in line for line in err_lines) or proc.poll() is not None,
                 180, "refine to retry its undelivered dead letters")
        assert proc.poll() is None, "".join(err_lines)[-3000:]
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)
        reader.join(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    err = "".join(err_lines)
    assert proc.returncode == 1, proc.stdout.read()[-2000:] + err[-3000:]
    assert "stopped while retrying" in err, err[-3000:]


def test_one_pipeline_per_lakehouse_a_second_run_stands_by_or_is_refused_and_the_first_goes_on(tmp_path):
    """Two `jsm run` on one lakehouse used to both die within 0.1 s on a commit conflict. Now the
    first keeps running; a bounded second run is refused (exit 1, saying why); a continuous second
    run stands by and takes over when the first stops."""
    lake = tmp_path / "lakehouse"
    first_log, standby_log = tmp_path / "first.log", tmp_path / "standby.log"
    broker = Broker()
    first = standby = None
    try:
        with open(first_log, "w") as log:
            first = subprocess.Popen([JSM, "run", "--bootstrap", broker.bootstrap, "--lakehouse", str(lake)],
                                     stdout=log, stderr=subprocess.STDOUT)
        run_jsm("produce", "--bootstrap", broker.bootstrap, "--synthetic", 2000, timeout=120)
        wait_for(lambda: silver_rows(lake) > 0 or first.poll() is not None, 120, "the first run to refine")
        refused = run_jsm("run", "--available-now", "--bootstrap", broker.bootstrap, "--lakehouse", lake,
                          check=False, timeout=120)
        assert refused.returncode == 1, refused.stdout + refused.stderr[-3000:]
        assert "is running in another jsm run" in refused.stderr and "one pipeline per lakehouse" in refused.stderr
        assert first.poll() is None, "the first run must keep running:\n" + first_log.read_text()[-3000:]

        with open(standby_log, "w") as log:
            standby = subprocess.Popen([JSM, "run", "--bootstrap", broker.bootstrap, "--lakehouse", str(lake)],
                                       stdout=log, stderr=subprocess.STDOUT)
        wait_for(lambda: '"standby: another jsm run holds this stage' in standby_log.read_text() or standby.poll() is not None,
                 60, "the second continuous run to stand by")
        assert standby.poll() is None and first.poll() is None, standby_log.read_text()[-3000:]
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=60) == 0, first_log.read_text()[-3000:]
        wait_for(lambda: '"standby over: this run takes over"' in standby_log.read_text() or standby.poll() is not None,
                 60, "the standby to take over")
        assert standby.poll() is None, standby_log.read_text()[-3000:]
        # It does the work now: new orders reach silver.
        before = silver_rows(lake)
        run_jsm("produce", "--bootstrap", broker.bootstrap, "--synthetic", 500, "--seed", 77, timeout=120)
        wait_for(lambda: silver_rows(lake) > before, 120, "the standby, now active, to refine new orders")
        standby.send_signal(signal.SIGTERM)
        assert standby.wait(timeout=60) == 0, standby_log.read_text()[-3000:]
    finally:
        for proc in (first, standby):
            if proc is not None and proc.poll() is None:
                proc.kill()
        broker.stop()


def silver_rows(lake):
    try:
        return deltalake.DeltaTable(str(lake / "silver" / "pedidos")).to_pyarrow_table(columns=["_record_id"]).num_rows
    except Exception:  # not there yet, or being written: read again
        return 0
