"""Authentication against a REAL Apache Kafka broker (deploy/kafka/ with a
SASL_PLAINTEXT listener, SASL/PLAIN, its users in the listener's JAAS config):

- with `[kafka.properties]` security.protocol, sasl.mechanism, sasl.username and
  sasl.password = "${JSM_TEST_KAFKA_PASSWORD}", a slice of the real order file runs
  end to end (`jsm topics ensure`, `jsm produce`, `jsm run --available-now`): the
  secret comes from the environment, and never appears in any output or log;
- with a wrong password every command fails fast (well under 30 s) with an error
  that names the broker and says "authentication", exits non-zero, writes nothing
  to the lakehouse, and is not retried.

SCRAM is not tested: Kafka 4.4 accepts the Java client's SCRAM-SHA-256 logins but
refused librdkafka 2.0.2's for the right password (docs/kafka.md).
"""

import itertools
import os
import secrets
import time

import pytest

from conftest import DATA_CSV, run_jsm
from e2e.kafka_fixture import start_real_kafka
from e2e.lakehouse_checks import assert_ingested_once_and_refined_exactly
from e2e.test_real_kafka import write_synthetic_csv

USER = "jsm"
SLICE_LINES = 20000
FAIL_FAST_SECONDS = 30


@pytest.fixture(scope="module")
def sasl_kafka(tmp_path_factory):
    """One broker with a SASL_PLAINTEXT listener and the user `jsm` (a fresh random password)."""
    if os.environ.get("JSM_TEST_KAFKA_BOOTSTRAP"):
        pytest.skip("these tests need a broker with SASL users of their own")
    password = "pw-" + secrets.token_hex(12)
    kafka = start_real_kafka(tmp_path_factory.mktemp("kafka_sasl"), sasl_users={USER: password, "other": "x-" +
                                                                                    secrets.token_hex(4)})
    print(f"SASL broker ready in {kafka.start_seconds:.1f} s: {kafka.sasl_bootstrap}")
    try:
        yield kafka, password
    finally:
        kafka.stop()


def write_sasl_config(path, bootstrap, group="jsm-auth"):
    """A pipeline config whose password is only a reference to the environment."""
    path.write_text(f"""[kafka]
bootstrap = "{bootstrap}"
group_id = "{group}"

[kafka.properties]
"security.protocol" = "SASL_PLAINTEXT"
"sasl.mechanism" = "PLAIN"
"sasl.username" = "{USER}"
"sasl.password" = "${{JSM_TEST_KAFKA_PASSWORD}}"
""")
    return path


def env_with(password):
    return dict(os.environ, JSM_TEST_KAFKA_PASSWORD=password)


def order_slice(work):
    """The first SLICE_LINES lines of the real file (synthetic orders if it is absent)."""
    path = work / "orders_slice.csv"
    if DATA_CSV.exists():
        with open(DATA_CSV, encoding="utf-8") as src, open(path, "w", encoding="utf-8") as dst:
            dst.writelines(itertools.islice(src, SLICE_LINES + 1))
    else:
        write_synthetic_csv(path, SLICE_LINES)
    return path


def files_under(path):
    return sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file()) if path.exists() else []


def test_sasl_credentials_from_the_environment_run_end_to_end(sasl_kafka, tmp_path):
    kafka, password = sasl_kafka
    config = write_sasl_config(tmp_path / "sasl.toml", kafka.sasl_bootstrap)
    env = env_with(password)
    csv_path = order_slice(tmp_path)
    lakehouse = tmp_path / "lakehouse"
    outputs = []

    def jsm(*args, timeout=600):
        proc = run_jsm("--log-level", "debug", *args, timeout=timeout, env=env)
        outputs.append(proc.stdout + proc.stderr)
        return proc

    jsm("topics", "ensure", "--config", config, "--bootstrap", kafka.sasl_bootstrap, "--partitions", 3,
        timeout=120)
    produced = jsm("produce", "--config", config, "--bootstrap", kafka.sasl_bootstrap, "--input", csv_path)
    assert f"delivered {SLICE_LINES} events" in produced.stdout, produced.stdout
    jsm("run", "--config", config, "--available-now", "--lakehouse", lakehouse, timeout=900)

    assert_ingested_once_and_refined_exactly(lakehouse, csv_path, SLICE_LINES)

    # The secret was used (the broker accepted it) but never written anywhere we can see.
    everything = "\n".join(outputs)
    assert "SASL" in everything or "sasl" in everything, "debug logs should show the SASL connection"
    assert password not in everything
    for path in lakehouse.rglob("*"):
        if path.is_file() and path.suffix in (".json", ".txt", ".log", ".crc"):
            assert password not in path.read_text(errors="replace"), f"the password is in {path}"


@pytest.mark.parametrize("command", ["topics ensure", "produce", "run --available-now", "run --stage ingest"])
def test_a_wrong_password_fails_fast_and_clearly(sasl_kafka, tmp_path, command):
    kafka, password = sasl_kafka
    wrong = "wrong-" + secrets.token_hex(6)
    config = write_sasl_config(tmp_path / "sasl.toml", kafka.sasl_bootstrap)
    lakehouse = tmp_path / "lakehouse"
    args = {
        "topics ensure": ["topics", "ensure", "--config", config, "--bootstrap", kafka.sasl_bootstrap,
                          "--topic", "never-created"],
        "produce": ["produce", "--config", config, "--bootstrap", kafka.sasl_bootstrap, "--synthetic", 100],
        "run --available-now": ["run", "--config", config, "--available-now", "--lakehouse", lakehouse],
        # Continuous ingest retries unreachable brokers: an authentication failure must still stop it.
        "run --stage ingest": ["run", "--config", config, "--stage", "ingest", "--lakehouse", lakehouse],
    }[command]
    started = time.monotonic()
    proc = run_jsm(*args, check=False, timeout=120, env=env_with(wrong))
    seconds = time.monotonic() - started
    output = proc.stdout + proc.stderr
    print(f"{command} with a wrong password: exit {proc.returncode} after {seconds:.2f} s")
    # A refusal no retry fixes exits 4 (README, Exit codes), whichever command meets it.
    assert proc.returncode == 4, output
    assert seconds < FAIL_FAST_SECONDS, f"took {seconds:.1f} s:\n{output}"
    error = [line for line in proc.stderr.splitlines() if line.startswith("jsm: error")]
    assert error, output
    assert "authentication failed" in error[-1].lower(), error
    assert kafka.sasl_bootstrap.split(",")[0] in error[-1], error
    assert "timed out" not in error[-1].lower()
    assert wrong not in output and password not in output
    assert files_under(lakehouse) == [], "a failed authentication wrote to the lakehouse"
