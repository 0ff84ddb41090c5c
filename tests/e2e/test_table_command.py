"""`jsm table`: every subcommand has --help, output shapes, and errors that name the table and version."""

import json
import os

import pytest

from tests.conftest import DELTA_APPEND, delta_append, jsm_table_rows, run_jsm

pytestmark = pytest.mark.skipif(not os.path.exists(DELTA_APPEND), reason=f"{DELTA_APPEND} is not built")

SUBCOMMANDS = ["history", "describe", "show", "optimize", "vacuum", "checkpoint", "restore"]


@pytest.mark.parametrize("sub", SUBCOMMANDS)
def test_every_subcommand_has_help(sub):
    out = run_jsm("table", sub, "--help").stdout
    assert "--lakehouse" in out and "table" in out


def test_show_formats_agree(tmp_path):
    delta_append(tmp_path, "gold/t", "--commits", 2, "--rows", 3)
    table = run_jsm("table", "show", "gold/t", "--lakehouse", tmp_path).stdout
    assert table.splitlines()[0].split(" | ")[0].strip() == "writer"
    assert "(6 rows; table gold/t version 2" in table
    csv = run_jsm("table", "show", "gold/t", "--lakehouse", tmp_path, "--format", "csv").stdout.splitlines()
    assert csv[0] == "writer,seq,amount,day" and len(csv) == 7
    rows = jsm_table_rows(tmp_path, "gold/t")
    assert len(rows) == 6 and rows[0]["amount"].count(".") == 1
    absolute = jsm_table_rows(tmp_path, tmp_path / "gold" / "t")  # absolute path, --lakehouse ignored
    assert len(absolute) == 6


def test_describe_and_history(tmp_path):
    delta_append(tmp_path, "t", "--commits", 1, "--properties", "delta.appendOnly=true")
    out = run_jsm("table", "describe", "t", "--lakehouse", tmp_path).stdout
    assert "version      2" in out and "delta.appendOnly=true" in out and "decimal(10,2)" in out
    history = [json.loads(l) for l in run_jsm("table", "history", "t", "--lakehouse", tmp_path,
                                              "--format", "json").stdout.splitlines()]
    assert [h["operation"] for h in history] == ["WRITE", "SET TBLPROPERTIES", "CREATE TABLE"]


def test_errors_name_table_and_version(tmp_path):
    delta_append(tmp_path, "t", "--commits", 1, "--properties", "delta.appendOnly=true")
    missing = run_jsm("table", "show", "t", "--lakehouse", tmp_path, "--version", 9, check=False)
    # Refusals (exit 4, README "Exit codes"): the same command finds the same table the same way.
    assert missing.returncode == 4 and "t" in missing.stderr and "no version 9" in missing.stderr
    absent = run_jsm("table", "describe", "nope", "--lakehouse", tmp_path, check=False)
    assert absent.returncode == 4 and "nope" in absent.stderr
    append_only = run_jsm("table", "restore", "t", "--lakehouse", tmp_path, "--version", 0, check=False)
    assert append_only.returncode == 4 and "append-only" in append_only.stderr


def test_checkpoint_then_time_travel_still_works(tmp_path):
    delta_append(tmp_path, "t", "--commits", 3)
    out = run_jsm("table", "checkpoint", "t", "--lakehouse", tmp_path).stdout
    assert "checkpoint of version 3" in out
    assert len(jsm_table_rows(tmp_path, "t", "--version", 2)) == 6
    assert len(jsm_table_rows(tmp_path, "t")) == 9


def test_each_subcommand_keeps_its_own_limit_default(tmp_path):
    """`show` prints 20 rows unless told; `history` prints every version unless told (issue 8: the
    two shared one field, so history's default 0 made `show` print every row)."""
    delta_append(tmp_path, "t", "--commits", 25, "--rows", 2)  # 26 versions, 50 rows
    show = run_jsm("table", "show", "t", "--lakehouse", tmp_path).stdout
    assert "(20 rows; table t version 25" in show
    assert len(run_jsm("table", "show", "t", "--lakehouse", tmp_path, "--format", "csv").stdout.splitlines()) == 21
    assert "(50 rows;" in run_jsm("table", "show", "t", "--lakehouse", tmp_path, "--limit", 0).stdout
    history = run_jsm("table", "history", "t", "--lakehouse", tmp_path, "--format", "json").stdout.splitlines()
    assert [json.loads(l)["version"] for l in history] == list(range(25, -1, -1))
    assert len(run_jsm("table", "history", "t", "--lakehouse", tmp_path, "--limit", 3,
                       "--format", "json").stdout.splitlines()) == 3
    assert "--limit INT=20" in run_jsm("table", "show", "--help").stdout
    assert "--limit INT=0" in run_jsm("table", "history", "--help").stdout


def test_restore_of_a_pipeline_table_is_refused_with_the_command_that_rebuilds_it(tmp_path):
    """Restoring silver or gold alone would leave it behind for ever (the stage's txn stays where it is):
    refused (exit 4) naming the rebuild; the named rebuild then brings silver level with bronze again."""
    lake = tmp_path / "lakehouse"
    for seed in (1, 2):
        run_jsm("run", "--until-drained", "--synthetic", 400, "--seed", seed, "--lakehouse", lake, timeout=300)
    silver = run_jsm("table", "restore", "silver/pedidos", "--lakehouse", lake, "--version", 1, check=False)
    assert silver.returncode == 4, silver.stderr
    assert "refused" in silver.stderr and "jsm run --from-bronze-version" in silver.stderr, silver.stderr
    gold = run_jsm("table", "restore", "gold/daily_sales", "--lakehouse", lake, "--version", 1, check=False)
    assert gold.returncode == 4 and "jsm run --full-refresh --available-now" in gold.stderr, gold.stderr
    bronze = run_jsm("table", "restore", "bronze/pedidos", "--lakehouse", lake, "--version", 1, check=False)
    assert bronze.returncode == 4 and "drop messages" in bronze.stderr, bronze.stderr
    # Nothing was written by the refusals.
    assert "RESTORE" not in run_jsm("table", "history", "silver/pedidos", "--lakehouse", lake).stdout
    # The command it names does the right thing: silver rebuilt from bronze, the books balance.
    command = silver.stderr.split("`")[1]
    assert command.startswith("jsm run --from-bronze-version "), silver.stderr
    run_jsm(*command.split()[1:], "--available-now", "--lakehouse", lake, timeout=300)
    books = run_jsm("run", "--available-now", "--lakehouse", lake, timeout=300).stdout
    assert "balanced:" in books, books
    # --force restores the files anyway (the documented way to accept that).
    forced = run_jsm("table", "restore", "gold/daily_sales", "--lakehouse", lake, "--version", 1, "--force")
    assert "restores version 1" in forced.stdout
