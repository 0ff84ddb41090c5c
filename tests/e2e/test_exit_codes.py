"""The exit codes of `jsm` (README, Exit codes), one test per row of the table, with the real binary:
0 ok, 1 an error a retry may fix, 2 usage, 3 books unbalanced or a gate with a failing (or no) verdict,
4 refused: the same command fails the same way until a person acts."""

import json

import deltalake
import pytest

from conftest import run_jsm
from e2e.kafka_fixture import free_port

GOOD_ROWS = ("TransactionNo,Date,ProductNo,ProductName,Price,Quantity,CustomerNo,Country\n"
             "581482,12/9/2019,22485,Set Of 2 Wooden Market Crates,21.47,12,17490,United Kingdom\n"
             "581475,12/9/2019,22596,Christmas Star Wish List Chalkboard,10.65,36,13069,United Kingdom\n")


def longest_line(text):
    return max((len(line) for line in text.splitlines()), default=0)


@pytest.fixture(scope="module")
def lakehouse(tmp_path_factory):
    """A lakehouse the pipeline has run on (embedded broker): tables and expectation results."""
    lake = tmp_path_factory.mktemp("exit-codes") / "lakehouse"
    run_jsm("run", "--until-drained", "--synthetic", 300, "--lakehouse", lake, timeout=300)
    return lake


@pytest.fixture
def unused_bootstrap():
    """A loopback address where no broker listens."""
    return f"127.0.0.1:{free_port()}"


# 0 -------------------------------------------------------------------------------------------------

def test_0_ok(lakehouse):
    assert run_jsm("--version").stdout.startswith("jsm ")
    assert run_jsm("run", "--help").returncode == 0
    assert run_jsm("table", "describe", "silver/pedidos", "--lakehouse", lakehouse).returncode == 0
    assert run_jsm("quality", "report", "--lakehouse", lakehouse, "--min-pass-rate", 0).returncode == 0


# 1 -------------------------------------------------------------------------------------------------

def test_1_an_error_a_retry_may_fix(tmp_path, unused_bootstrap):
    """No broker answers within --connect-timeout: it may be restarting, so exit 1 (Airflow retries)."""
    proc = run_jsm("produce", "--bootstrap", unused_bootstrap, "--synthetic", 1, "--connect-timeout", 1,
                   check=False, timeout=60)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "unavailable" in proc.stderr and unused_bootstrap in proc.stderr, proc.stderr


# 2 -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("args,says", [
    ([], "subcommand"),                                       # `jsm` alone (CLI11: 106)
    (["run", "--bogus"], "--bogus"),                          # unknown flag (109)
    (["run", "--lakehouse"], "--lakehouse"),                  # missing value (114)
    (["run", "--stage", "foo"], "foo"),                       # bad choice (105)
    (["run", "--rate", "-1"], "must be 0 or more, got -1"),   # out of range, a readable limit
    (["run", "--synthetic", "-5"], "must be 0 or more, got -5"),
    (["run", "--from-bronze-version", "-2"], "must be 0 or more, got -2"),
    (["produce", "--rate", "fast"], "'fast' is not a number"),
    (["run", "--connect-timeout", "100000"], "100000"),       # out of range [0 - 86400]
    (["run", "--synthetic", "many"], "many"),                 # not a number (conversion)
    (["quality"], "subcommand"),                              # a command group without its subcommand
    (["table"], "subcommand"),
    (["dlq"], "subcommand"),
    (["run", "--config", "/nonexistent/pipeline.toml"], "/nonexistent/pipeline.toml"),
    (["quality", "report", "--min-pass-rate", "1.5"], "1.5"),
])
def test_2_usage_errors(args, says):
    proc = run_jsm(*args, check=False, timeout=60)
    assert proc.returncode == 2, (args, proc.returncode, proc.stdout, proc.stderr)
    assert says in proc.stderr, proc.stderr
    # CLI::NonNegativeNumber printed the largest double in full (309 digits).
    assert longest_line(proc.stderr) < 300, proc.stderr


def test_2_a_settings_file_that_does_not_load(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("[kafka\n")
    for args in (["run"], ["quality", "report"], ["table", "describe", "gold/daily_sales"], ["erase", "--customer", "1"]):
        proc = run_jsm(*args, "--config", config, check=False, timeout=60)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        assert str(config) in proc.stderr, proc.stderr


# 3 -------------------------------------------------------------------------------------------------

def test_3_the_quality_gate_fails_with_nothing_to_judge(lakehouse, tmp_path):
    judged = run_jsm("quality", "report", "--lakehouse", lakehouse, "--format", "json").stdout
    assert sum(s["passed"] + s["failed"] for s in json.loads(judged)) > 0  # there are results to judge
    later = run_jsm("quality", "report", "--lakehouse", lakehouse, "--since", "2030-01-01", "--min-pass-rate", 0.99,
                    check=False)
    assert later.returncode == 3, later.stdout + later.stderr
    assert "nothing to judge" in later.stderr and "since 2030-01-01" in later.stderr, later.stderr
    # A lakehouse where no pipeline has run yet: nothing to judge either.
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = run_jsm("quality", "report", "--lakehouse", empty, "--min-pass-rate", 0.99, check=False)
    assert proc.returncode == 3 and "nothing to judge" in proc.stderr, proc.stdout + proc.stderr
    # Without a threshold the report is only a report.
    assert run_jsm("quality", "report", "--lakehouse", empty).returncode == 0


def test_3_the_quality_gate_fails_below_the_threshold(lakehouse):
    # The synthetic orders break some `warn` rules (unknown customers, cancellations): 100 % is not reached.
    proc = run_jsm("quality", "report", "--lakehouse", lakehouse, "--min-pass-rate", 1.0, check=False)
    assert proc.returncode == 3 and "below" in proc.stderr, proc.stdout + proc.stderr


# 4 -------------------------------------------------------------------------------------------------

def test_4_a_lakehouse_path_that_is_a_file(tmp_path):
    file = tmp_path / "lakehouse"
    file.write_text("not a directory")
    for args in (["run", "--until-drained", "--synthetic", 10], ["table", "describe", "silver/pedidos"],
                 ["quality", "report", "--min-pass-rate", 0.99], ["erase", "--customer", "17850"],
                 ["serve", "--listen", "127.0.0.1:0"]):
        proc = run_jsm(*args, "--lakehouse", file, check=False, timeout=120)
        assert proc.returncode == 4, (args, proc.stdout, proc.stderr)
        assert str(file) in proc.stderr, proc.stderr
    assert file.read_text() == "not a directory"


def test_4_a_lakehouse_that_does_not_exist_is_refused_and_not_created(tmp_path):
    missing = tmp_path / "nonexistent"
    for args in (["quality", "report", "--min-pass-rate", 0.99], ["quality", "report"],
                 ["table", "describe", "silver/pedidos"], ["erase", "--customer", "17850"]):
        proc = run_jsm(*args, "--lakehouse", missing, check=False, timeout=60)
        assert proc.returncode == 4, (args, proc.stdout, proc.stderr)
        assert str(missing) in proc.stderr, proc.stderr
        assert not missing.exists(), args


def test_4_a_table_or_version_that_is_not_there(lakehouse):
    absent = run_jsm("table", "describe", "gold/nope", "--lakehouse", lakehouse, check=False)
    assert absent.returncode == 4 and "gold/nope" in absent.stderr, absent.stderr
    version = run_jsm("table", "show", "silver/pedidos", "--lakehouse", lakehouse, "--version", 999, check=False)
    assert version.returncode == 4 and "999" in version.stderr, version.stderr


def test_4_erase_an_empty_customer(lakehouse):
    proc = run_jsm("erase", "--customer", "", "--lakehouse", lakehouse, check=False)
    assert proc.returncode == 4 and "empty" in proc.stderr, proc.stdout + proc.stderr


def test_4_a_malformed_csv_line_refuses_the_whole_file_before_anything_is_produced(tmp_path, unused_bootstrap):
    csv = tmp_path / "orders.csv"
    csv.write_text(GOOD_ROWS + "581476,12/9/2019,23235,Storage Tin,11.53,\"12,12421,Norway\n" + GOOD_ROWS[-200:])
    # jsm produce checks the file before it looks for a broker: none listens here, and it does not matter.
    proc = run_jsm("produce", "--bootstrap", unused_bootstrap, "--input", csv, check=False, timeout=60)
    assert proc.returncode == 4, proc.stdout + proc.stderr
    assert f"'{csv}' line 4: quoted field not closed" in proc.stderr, proc.stderr
    assert "nothing was produced" in proc.stderr and "produced" not in proc.stdout, proc.stdout + proc.stderr
    # jsm run --input: refused before the pipeline starts; no table is made.
    lake = tmp_path / "lakehouse"
    proc = run_jsm("run", "--until-drained", "--input", csv, "--lakehouse", lake, check=False, timeout=120)
    assert proc.returncode == 4, proc.stdout + proc.stderr
    assert f"'{csv}' line 4" in proc.stderr, proc.stderr
    assert not (lake / "bronze" / "pedidos").exists()


def test_4_a_line_too_large_for_a_kafka_message_names_its_line(tmp_path, unused_bootstrap):
    csv = tmp_path / "big.csv"
    big_name = "x" * (10 << 20)  # 10 MiB, beyond librdkafka's default message.max.bytes (1000000)
    csv.write_text(GOOD_ROWS + f"581477,12/9/2019,23235,{big_name},11.53,12,12421,Norway\n")
    proc = run_jsm("produce", "--bootstrap", unused_bootstrap, "--input", csv, check=False, timeout=60)
    assert proc.returncode == 4, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert f"'{csv}' line 4: its event is" in proc.stderr and "message.max.bytes 1000000" in proc.stderr, \
        proc.stderr[-2000:]
    assert longest_line(proc.stderr) < 1000  # the line itself is not echoed
    # A larger limit in [kafka.properties] lets the same check pass (then no broker answers: exit 1).
    config = tmp_path / "big.toml"
    config.write_text('[kafka.properties]\n"message.max.bytes" = "20000000"\n')
    proc = run_jsm("produce", "--config", config, "--bootstrap", unused_bootstrap, "--input", csv,
                   "--connect-timeout", 1, check=False, timeout=60)
    assert proc.returncode == 1 and "unavailable" in proc.stderr, proc.stdout[-2000:] + proc.stderr[-2000:]


def test_4_a_refused_file_produces_nothing_on_a_real_broker(real_kafka, tmp_path):
    """The same topic, first a file with a bad last line (refused), then the good rows alone: bronze
    holds exactly the good rows once, so the refused replay produced none of the lines before its bad one."""
    topic = f"exit-codes-{free_port()}"
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD_ROWS + "581478,12/9/2019,23235,Storage Tin,11.53,12,12421,Norway,extra\n")
    good = tmp_path / "good.csv"
    good.write_text(GOOD_ROWS)
    run_jsm("topics", "ensure", "--bootstrap", real_kafka.bootstrap, "--topic", topic, "--partitions", 1)
    refused = run_jsm("produce", "--bootstrap", real_kafka.bootstrap, "--topic", topic, "--input", bad, check=False)
    assert refused.returncode == 4 and f"'{bad}' line 4: expected 8 fields, found 9" in refused.stderr, \
        refused.stdout + refused.stderr
    run_jsm("produce", "--bootstrap", real_kafka.bootstrap, "--topic", topic, "--input", good)
    lake = tmp_path / "lakehouse"
    run_jsm("run", "--available-now", "--bootstrap", real_kafka.bootstrap, "--topic", topic, "--lakehouse", lake,
            timeout=300)
    bronze = deltalake.DeltaTable(str(lake / "bronze" / "pedidos")).to_pyarrow_table()
    keys = [k.decode() if isinstance(k, bytes) else k for k in bronze.column("key").to_pylist()]
    assert sorted(keys) == ["581475", "581482"]
