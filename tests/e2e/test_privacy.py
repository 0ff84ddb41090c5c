"""LGPD end to end with the real binary, checked with delta-rs: pseudonymized
silver and gold hold no raw CustomerNo while counts and sums are unchanged;
`jsm erase` removes one customer from bronze, quarantine, silver and gold,
leaves every other row alone, keeps time travel until VACUUM, and a following
run neither brings the customer back nor duplicates anything."""

import collections
import datetime
import hashlib
import hmac
import json
import os
import pathlib

import deltalake
import pyarrow.compute as pc
import pytest

from conftest import DATA_CSV, run_jsm

KEY = "e2e-pseudonym-key-0123456789abcdef"
PRIVACY_ON = '[privacy]\npseudonymize_customer = true\nkey_env = "JSM_E2E_PSEUDONYM_KEY"\n'
GOLD = ("gold/daily_sales", "gold/product_performance", "gold/country_summary")


def table(lakehouse, name, version=None):
    return deltalake.DeltaTable(str(pathlib.Path(lakehouse) / name), version=version)


def rows(lakehouse, name, version=None):
    return table(lakehouse, name, version).to_pyarrow_table()


def customer_of(raw_value):
    """CustomerNo of a raw bronze message, as the pipeline normalizes it (None when absent)."""
    try:
        value = json.loads(raw_value).get("CustomerNo")
    except (ValueError, AttributeError):
        return None
    if value is None:
        return None
    text = str(value).strip()
    return None if text in ("", "NA") else text


def sorted_rows(arrow_table):
    return sorted((tuple(sorted(r.items())) for r in arrow_table.to_pylist()), key=repr)


def money_sum(arrow_table, column):
    return pc.sum(arrow_table[column]).as_py()


def env_with_key():
    return dict(os.environ, JSM_E2E_PSEUDONYM_KEY=KEY)


def test_pseudonymized_silver_and_gold_hold_no_raw_customer_and_keep_every_figure(tmp_path):
    config = tmp_path / "privacy.toml"
    config.write_text(PRIVACY_ON)
    raw, pseudo = tmp_path / "raw", tmp_path / "pseudo"
    run_jsm("run", "--synthetic", 8000, "--seed", 11, "--until-drained", "--lakehouse", raw)
    proc = run_jsm("run", "--config", config, "--synthetic", 8000, "--seed", 11, "--until-drained",
                   "--lakehouse", pseudo, env=env_with_key())
    assert KEY not in proc.stdout and KEY not in proc.stderr

    raw_silver, pseudo_silver = rows(raw, "silver/pedidos"), rows(pseudo, "silver/pedidos")
    raw_customers = {c for c in raw_silver["customer_no"].to_pylist() if c is not None}
    pseudonyms = [c for c in pseudo_silver["customer_no"].to_pylist() if c is not None]
    assert raw_customers and pseudonyms
    assert all(len(p) == 64 and all(ch in "0123456789abcdef" for ch in p) for p in pseudonyms)
    assert not raw_customers & set(pseudonyms)
    expected = {hmac.new(KEY.encode(), c.encode(), hashlib.sha256).hexdigest() for c in raw_customers}
    assert set(pseudonyms) == expected
    # Counts and sums are those of the raw run.
    assert pseudo_silver.num_rows == raw_silver.num_rows
    assert pseudo_silver["customer_no"].null_count == raw_silver["customer_no"].null_count
    assert money_sum(pseudo_silver, "line_total") == money_sum(raw_silver, "line_total")
    for name in GOLD:
        assert sorted_rows(rows(pseudo, name)) == sorted_rows(rows(raw, name)), name
    # Gold holds customers only as counts, never as numbers.
    for name in GOLD:
        schema = rows(pseudo, name).schema
        for field in schema:
            if "customer" in field.name:
                assert str(field.type) == "int64", (name, field)

    # Enabled without its key: a clear start error naming the variable, nothing refined.
    missing = run_jsm("run", "--config", config, "--synthetic", 100, "--until-drained", "--lakehouse",
                      tmp_path / "nokey", check=False,
                      env={k: v for k, v in os.environ.items() if k != "JSM_E2E_PSEUDONYM_KEY"})
    assert missing.returncode != 0
    assert "JSM_E2E_PSEUDONYM_KEY" in missing.stderr

    # Erase with pseudonymization: the key finds the customer's pseudonym.
    victim = collections.Counter(c for c in raw_silver["customer_no"].to_pylist() if c).most_common(1)[0][0]
    report = json.loads(run_jsm("erase", "--config", config, "--customer", victim, "--lakehouse", pseudo,
                                "--format", "json", env=env_with_key()).stdout)
    assert report["pseudonymized"]
    gone = hmac.new(KEY.encode(), victim.encode(), hashlib.sha256).hexdigest()
    after = rows(pseudo, "silver/pedidos")
    assert gone not in set(after["customer_no"].to_pylist())
    assert after.num_rows == pseudo_silver.num_rows - raw_silver["customer_no"].to_pylist().count(victim)


def erase_and_check(lakehouse):
    """Erases the busiest customer of `lakehouse` and checks every table; returns the customer."""
    silver_before = rows(lakehouse, "silver/pedidos")
    bronze_before = rows(lakehouse, "bronze/pedidos")
    quarantine_before = rows(lakehouse, "silver/pedidos_quarantine")
    customers = collections.Counter(c for c in silver_before["customer_no"].to_pylist() if c)
    victim = customers.most_common(1)[0][0]
    versions = {name: table(lakehouse, name).version()
                for name in ("bronze/pedidos", "silver/pedidos", "silver/pedidos_quarantine")}

    dry = json.loads(run_jsm("erase", "--customer", victim, "--lakehouse", lakehouse, "--dry-run",
                             "--format", "json").stdout)
    assert all(t["version"] == -1 for t in dry["tables"])
    assert table(lakehouse, "silver/pedidos").version() == versions["silver/pedidos"]

    report = json.loads(run_jsm("erase", "--customer", victim, "--lakehouse", lakehouse, "--format", "json").stdout)
    by_table = {t["table"]: t for t in report["tables"]}
    silver = rows(lakehouse, "silver/pedidos")
    bronze = rows(lakehouse, "bronze/pedidos")
    quarantine = rows(lakehouse, "silver/pedidos_quarantine")

    # No row of the customer in any current version.
    assert victim not in set(silver["customer_no"].to_pylist())
    assert victim not in {customer_of(v) for v in bronze["value"].to_pylist()}
    assert victim not in {customer_of(v) for v in quarantine["value"].to_pylist()}
    # Every other row unchanged.
    others = pc.invert(pc.fill_null(pc.equal(silver_before["customer_no"], victim), False))
    kept_before = silver_before.filter(others)
    assert sorted(silver["_record_id"].to_pylist()) == sorted(kept_before["_record_id"].to_pylist())
    assert money_sum(silver, "line_total") == money_sum(kept_before, "line_total")
    assert silver.num_rows == silver_before.num_rows - customers[victim]
    victim_messages = sum(customer_of(v) == victim for v in bronze_before["value"].to_pylist())
    assert bronze.num_rows == bronze_before.num_rows - victim_messages
    assert by_table["bronze/pedidos"]["rows_deleted"] == victim_messages
    assert by_table["silver/pedidos"]["rows_deleted"] == customers[victim]
    assert quarantine.num_rows == quarantine_before.num_rows - by_table["silver/pedidos_quarantine"]["rows_deleted"]
    # Gold recomputed: equal to silver.
    assert report["gold_recomputed"]
    daily = rows(lakehouse, "gold/daily_sales")
    assert money_sum(daily, "net_revenue") == money_sum(silver, "line_total")
    assert pc.sum(daily["lines"]).as_py() == pc.sum(pc.invert(silver["is_cancellation"])).as_py()
    # One DELETE commit per table, remove + add with dataChange.
    history = table(lakehouse, "silver/pedidos").history(1)[0]
    assert history["operation"] == "DELETE"
    assert victim not in json.dumps(history)
    # Time travel still shows the customer until VACUUM, which may delete the old
    # files from erase time + deletedFileRetentionDuration.
    old = rows(lakehouse, "silver/pedidos", versions["silver/pedidos"])
    assert old["customer_no"].to_pylist().count(victim) == customers[victim]
    for name, t in by_table.items():
        if t["removed_files"]:
            vacuum_from = datetime.datetime.fromisoformat(t["vacuum_from"].replace("Z", "+00:00"))
            erased_at = datetime.datetime.fromisoformat(report["erased_at"].replace("Z", "+00:00"))
            assert datetime.timedelta(days=7) <= vacuum_from - erased_at < datetime.timedelta(days=7, seconds=60)
            active = set(table(lakehouse, name).file_uris())
            assert not any(f["path"] in uri for f in t["removed_files"] for uri in active)
    # The erase is in the event log, without the customer's number.
    log = rows(lakehouse, "_system/event_log")
    erase_rows = [r for r in log.to_pylist() if r["stage"] == "erase"]
    assert {r["target_table"] for r in erase_rows} >= {"bronze/pedidos", "silver/pedidos"}
    assert victim not in json.dumps(erase_rows, default=str)
    return victim


def check_following_runs(lakehouse, victim):
    silver_after_erase = rows(lakehouse, "silver/pedidos")
    gold_after_erase = {name: sorted_rows(rows(lakehouse, name)) for name in GOLD}
    # A following run with nothing new changes nothing.
    run_jsm("run", "--available-now", "--lakehouse", lakehouse)
    silver = rows(lakehouse, "silver/pedidos")
    assert sorted(silver["_record_id"].to_pylist()) == sorted(silver_after_erase["_record_id"].to_pylist())
    for name in GOLD:
        assert sorted_rows(rows(lakehouse, name)) == gold_after_erase[name], name
    # A following run with new data: the books balance (exit 0), no duplicate rows,
    # and the erased customer's old rows stay gone.
    run_jsm("run", "--synthetic", 2000, "--seed", 99, "--until-drained", "--lakehouse", lakehouse)
    silver = rows(lakehouse, "silver/pedidos")
    ids = silver["_record_id"].to_pylist()
    assert len(ids) == len(set(ids))
    assert set(silver_after_erase["_record_id"].to_pylist()) <= set(ids)
    old_ids = set(silver_after_erase["_record_id"].to_pylist())
    returned = [r for r in silver.to_pylist() if r["customer_no"] == victim and r["_record_id"] in old_ids]
    assert not returned


def test_erase_a_customer_of_a_synthetic_stream(tmp_path):
    lakehouse = tmp_path / "lh"
    # Expectations that quarantine some lines, so the quarantine holds customers too.
    config = tmp_path / "rules.toml"
    config.write_text('[[expectations]]\nname = "small_quantity"\nrule = "quantity <= 12"\naction = "drop"\n')
    run_jsm("run", "--config", config, "--synthetic", 20000, "--seed", 5, "--until-drained", "--lakehouse", lakehouse)
    assert rows(lakehouse, "silver/pedidos_quarantine").num_rows > 0
    victim = erase_and_check(lakehouse)
    check_following_runs(lakehouse, victim)


@pytest.mark.skipif(not DATA_CSV.is_file(), reason=f"the real data file {DATA_CSV} is not here")
def test_erase_a_customer_of_the_real_file(tmp_path):
    lakehouse = tmp_path / "lh"
    run_jsm("run", "--input", DATA_CSV, "--until-drained", "--lakehouse", lakehouse)
    victim = erase_and_check(lakehouse)
    check_following_runs(lakehouse, victim)
