"""What `make run` shows a person: on a terminal a progress line and the books, logs as text at
warn; in a pipe JSON log lines at info. The README's sample is what a real run prints."""

import os
import pty
import re
import select
import subprocess
import time

from conftest import JSM, ROOT


def run_in_terminal(args, cwd, timeout=300):
    """Runs jsm with stdout and stderr on a pseudo-terminal: (exit code, everything it wrote)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([JSM, *map(str, args)], cwd=cwd, stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # the other side is closed
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    os.close(master)
    return proc.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


def test_on_a_terminal_a_progress_line_text_logs_at_warn_and_the_books(tmp_path):
    code, out = run_in_terminal(["run", "--until-drained", "--synthetic", "30000", "--rate", "15000",
                                 "--lakehouse", tmp_path / "lake"], tmp_path)
    assert code == 0, out
    assert re.search(r"\r\x1b\[Kproduced [\d,]+ \| in bronze [\d,]+", out), out
    assert "reconciliation" in out and "balanced:" in out, out
    assert '{"ts":' not in out, "JSON log lines on a terminal:\n" + out
    # The broker dies with a bounded run: no command to watch it.
    assert "kafkacat" not in out, out
    # A second run on the same lakehouse says why its books hold more than it produced.
    code, again = run_in_terminal(["run", "--until-drained", "--synthetic", "2000", "--lakehouse", tmp_path / "lake"],
                                  tmp_path)
    assert code == 0, again
    assert "the lakehouse already holds 30000 bronze messages from earlier runs" in again, again


def test_in_a_pipe_logs_are_json_lines_at_info(tmp_path):
    proc = subprocess.run([JSM, "run", "--until-drained", "--synthetic", "2000", "--lakehouse", tmp_path / "lake"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert lines and all(line.startswith('{"ts":') for line in lines), proc.stderr[-2000:]
    assert any('"level":"info"' in line for line in lines)
    assert "\r" not in proc.stdout
    text = subprocess.run([JSM, "--log-format", "text", "run", "--until-drained", "--synthetic", "1000",
                           "--lakehouse", tmp_path / "lake2"], capture_output=True, text=True, timeout=300)
    assert text.returncode == 0, text.stderr
    assert re.search(r"^\d\d:\d\d:\d\d info ingest starts stage=\"ingest\"", text.stderr, re.M), text.stderr[-2000:]


def readme_sample():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("prints the books:\n\n```\n", 1)[1].split("```", 1)[0]
    return block.splitlines()


def test_the_readme_shows_what_make_run_prints(tmp_path):
    """The README's sample, line by line, against `jsm run --until-drained` on the embedded
    defaults (what `make run` runs): the same lines and counts; timings and ports may differ."""
    proc = subprocess.run([JSM, "run", "--until-drained"], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    printed = proc.stdout.splitlines()
    sample = readme_sample()
    assert len(printed) == len(sample), "\n".join(printed)

    def shape(line):
        line = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", line)
        return re.sub(r"\d+\.\d\d s$", "N.NN s", line.rstrip())

    for wrote, shown in zip(printed, sample):
        assert shape(wrote) == shape(shown), f"README shows\n  {shown}\nbut the run printed\n  {wrote}"


def test_the_readme_one_liner_reads_gold(tmp_path):
    """The README's Python line, as written, in the folder where `make run` left ./lakehouse."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = re.search(r"`(\.venv/bin/python -c \"[^`]+\")`", readme).group(1)
    subprocess.run([JSM, "run", "--until-drained", "--synthetic", "3000"], cwd=tmp_path, check=True,
                   capture_output=True, timeout=300)
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    proc = subprocess.run(line, shell=True, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "net_revenue" in proc.stdout and "order_date" in proc.stdout, proc.stdout
