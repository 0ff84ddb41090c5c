"""Azure credentials from the config file alone ([storage.azure], environment cleared of AZURE_*):
the real file end to end into Azurite, `jsm table show`, `jsm quality report`, `jsm serve` and
`jsm config check` all open the lakehouse through --config; the key never appears in any output;
a wrong key is a prompt 403 naming account and container, and a non-zero exit."""

import json
import subprocess
import time
import urllib.request
import uuid

import deltalake
import pytest

from conftest import DATA_CSV, JSM, reconciliation, run_jsm
from e2e.azurite_fixture import ACCOUNT, ACCOUNT_KEY, azurite, env_without_azure  # noqa: F401

# A well-formed key of the right length that is not the account's: Azurite answers 403.
WRONG_KEY = "d3JvbmdrZXl3cm9uZ2tleXdyb25na2V5d3JvbmdrZXl3cm9uZ2tleXdyb25na2V5d3JvbmdrZXl3cm9uZ2s="


def assert_no_secret(*outputs, secrets=(ACCOUNT_KEY, WRONG_KEY)):
    for text in outputs:
        for secret in secrets:
            assert secret not in text, "a key appeared in the output"
            assert secret[:24] not in text, "part of a key appeared in the output"


@pytest.fixture(scope="module")
def config_lake(azurite, tmp_path_factory):
    """The real file run into a fresh container with credentials only in the config (the key via ${VAR})."""
    if not DATA_CSV.exists():
        pytest.skip(f"real data file {DATA_CSV} is absent (set JSM_DATA_CSV to run this test)")
    container = f"cfg-{uuid.uuid4().hex[:12]}"
    lake = f"az://{container}/jsm"
    config = azurite.write_config(tmp_path_factory.mktemp("cfg") / "azure.toml", lake, key="${JSM_TEST_LAKE_KEY}")
    env = env_without_azure(JSM_TEST_LAKE_KEY=ACCOUNT_KEY)
    run = run_jsm("run", "--config", config, "--input", DATA_CSV, "--until-drained", timeout=1800, env=env)
    return lake, container, config, env, run


def test_real_file_runs_with_credentials_only_in_the_config(config_lake, azurite):
    lake, _, _, _, run = config_lake
    assert_no_secret(run.stdout, run.stderr)
    assert "balanced: bronze = silver + quarantine + dead letters + duplicates; gold = silver" in run.stdout
    books = reconciliation(run.stdout)
    assert books["produced"] == 536350 and books["bronze messages"] == books["produced"]
    silver = deltalake.DeltaTable(f"{lake}/silver/pedidos", storage_options=azurite.storage_options)
    assert silver.to_pyarrow_table().num_rows == books["silver rows"]


def test_table_show_and_quality_report_open_the_lakehouse_through_the_config(config_lake):
    _, _, config, env, _ = config_lake
    show = run_jsm("table", "show", "gold/daily_sales", "--config", config, "--limit", "5", "--format", "json",
                   env=env)
    rows = [json.loads(line) for line in show.stdout.splitlines() if line.startswith("{")]
    assert len(rows) == 5 and all("net_revenue" in r for r in rows)
    silver = run_jsm("table", "show", "silver/pedidos", "--config", config, "--columns", "country,quantity",
                     "--limit", "3", "--format", "json", env=env)
    assert [sorted(json.loads(line)) for line in silver.stdout.splitlines() if line.startswith("{")] == \
        [["country", "quantity"]] * 3
    describe = run_jsm("table", "describe", "silver/pedidos", "--config", config, env=env)
    quality = run_jsm("quality", "report", "--config", config, "--format", "json", env=env)
    assert any(e["expectation"] == "price_positive" for e in json.loads(quality.stdout))
    assert_no_secret(show.stdout, show.stderr, silver.stdout, silver.stderr, describe.stdout, describe.stderr,
                     quality.stdout, quality.stderr)


def test_serve_opens_an_azure_lakehouse_through_the_config(config_lake):
    _, _, config, env, _ = config_lake
    proc = subprocess.Popen([JSM, "serve", "--config", config, "--listen", "127.0.0.1:0"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), proc.stderr.read() if proc.poll() is not None else url
        with urllib.request.urlopen(f"{url}/api/tables", timeout=60) as response:
            tables = json.loads(response.read())
        text = json.dumps(tables)
        assert "gold/daily_sales" in text or "daily_sales" in text
        with urllib.request.urlopen(f"{url}/api/tables/gold/daily_sales?limit=2", timeout=60) as response:
            assert response.status == 200
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    assert_no_secret(out, err)


def test_config_check_validates_the_section_and_never_prints_the_key(config_lake, tmp_path):
    _, _, config, env, _ = config_lake
    ok = run_jsm("config", "check", config, env=env)
    assert f"azure account {ACCOUNT}" in ok.stdout and "shared key from [storage.azure]" in ok.stdout
    assert_no_secret(ok.stdout, ok.stderr)
    unset = run_jsm("config", "check", config, env=env_without_azure(), check=False)
    assert unset.returncode == 2
    assert "[storage.azure] key" in unset.stderr and "JSM_TEST_LAKE_KEY" in unset.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text('[lakehouse]\nuri = "az://x-lake/jsm"\n[storage.azure]\naccount = "devstoreaccount1"\n'
                   'key = "not base64 at all!"\n')
    rejected = run_jsm("config", "check", bad, env=env_without_azure(), check=False)
    assert rejected.returncode == 2 and "key is not valid base64" in rejected.stderr
    assert "not base64 at all!" not in rejected.stderr + rejected.stdout


def test_a_wrong_key_is_a_prompt_403_naming_account_and_container(azurite, config_lake, tmp_path):
    lake, container, _, _, _ = config_lake
    config = azurite.write_config(tmp_path / "wrong.toml", lake, key=WRONG_KEY)
    env = env_without_azure(JSM_AZURE_RETRY_SECONDS="60")
    for args in (["table", "show", "gold/daily_sales"], ["quality", "report"]):
        started = time.monotonic()
        proc = run_jsm(*args, "--config", config, env=env, check=False, timeout=120)
        elapsed = time.monotonic() - started
        assert proc.returncode != 0
        assert "403" in proc.stderr and f"account '{ACCOUNT}'" in proc.stderr and f"container '{container}'" in proc.stderr, \
            proc.stderr
        assert elapsed < 30, f"a 403 must not be retried (took {elapsed:.1f}s)"
        assert_no_secret(proc.stdout, proc.stderr)
