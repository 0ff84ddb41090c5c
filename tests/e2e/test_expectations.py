"""Declared expectations end to end: drop sends rows to quarantine with the
rules they broke, warn only counts, fail stops the run with nothing of the
batch committed; `jsm config check` points at mistakes."""

import json
import pathlib

import deltalake
import pyarrow.compute as pc

from conftest import run_jsm

DROP_AND_WARN = """
[[expectations]]
name = "small_quantity"
rule = "quantity <= 12"
action = "drop"

[[expectations]]
name = "outside_uk"
rule = "country != 'United Kingdom'"
action = "warn"
"""


def rows(lakehouse, name):
    return deltalake.DeltaTable(str(pathlib.Path(lakehouse) / name)).to_pyarrow_table()


def test_drop_quarantines_with_reasons_and_warn_only_counts(tmp_path):
    config = tmp_path / "rules.toml"
    config.write_text(DROP_AND_WARN)
    lakehouse = tmp_path / "lh"
    run = run_jsm("run", "--config", config, "--synthetic", 5000, "--seed", 4, "--until-drained",
                  "--lakehouse", lakehouse)
    # Exact repeats of a quarantined line are checked (and fail) again but are quarantined once.
    repeats = sum(int(line.split()[-1]) for line in run.stdout.splitlines()
                  if line.strip().startswith("repeats of quarantined"))
    silver, quarantine = rows(lakehouse, "silver/pedidos"), rows(lakehouse, "silver/pedidos_quarantine")
    assert quarantine.num_rows > 0
    assert pc.max(silver["quantity"]).as_py() <= 12
    assert pc.min(quarantine["quantity"]).as_py() > 12
    assert set(quarantine["broken_rules"].to_pylist()) <= {"small_quantity", "small_quantity,outside_uk"}
    assert all(json.loads(v)["TransactionNo"] for v in quarantine["value"].to_pylist())
    # warn keeps rows: silver still holds the United Kingdom lines that "failed" outside_uk.
    assert "United Kingdom" in set(silver["country"].to_pylist())
    report = {r["expectation"]: r for r in json.loads(
        run_jsm("quality", "report", "--lakehouse", lakehouse, "--format", "json").stdout)}
    assert set(report) == {"small_quantity", "outside_uk"}
    assert report["small_quantity"]["failed"] == quarantine.num_rows + repeats
    assert report["outside_uk"]["action"] == "warn" and report["outside_uk"]["failed"] > 0
    gate = run_jsm("quality", "report", "--lakehouse", lakehouse, "--min-pass-rate", "0.99", check=False)
    assert gate.returncode == 3 and "below" in gate.stderr


def test_fail_rule_stops_the_run_and_commits_nothing_of_the_batch(tmp_path):
    config = tmp_path / "fail.toml"
    config.write_text('[[expectations]]\nname = "tiny_orders_only"\nrule = "quantity < 5"\naction = "fail"\n')
    lakehouse = tmp_path / "lh"
    proc = run_jsm("run", "--config", config, "--synthetic", 3000, "--until-drained", "--lakehouse", lakehouse,
                   check=False)
    assert proc.returncode == 4  # refused: the same data fails the same rule again
    assert "expectation 'tiny_orders_only'" in proc.stderr and "nothing of this batch was committed" in proc.stderr
    assert rows(lakehouse, "bronze/pedidos").num_rows > 0
    assert rows(lakehouse, "silver/pedidos").num_rows == 0
    assert rows(lakehouse, "silver/pedidos_quarantine").num_rows == 0


def test_config_check_accepts_the_shipped_file_and_points_at_mistakes(tmp_path):
    root = pathlib.Path(__file__).resolve().parents[2]
    assert "10 expectations" in run_jsm("config", "check", root / "config" / "pipeline.toml").stdout
    bad = tmp_path / "bad.toml"
    bad.write_text('[ingest]\ncommit_messages = 10\n\n[[expectations]]\nname = "x"\nrule = "prise > 0"\n')
    proc = run_jsm("config", "check", bad, check=False)
    assert proc.returncode == 2
    assert f"{bad}:6:8: expectation 'x': rule at 1: unknown column 'prise'" in proc.stderr
