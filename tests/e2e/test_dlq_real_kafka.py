"""The dead-letter round trip of issue 4 against a REAL Apache Kafka broker
(tests/e2e/kafka_fixture.py): bad events are dead-lettered by `jsm run` with
every header of the contract (checked with kcat, not our code), `jsm dlq replay
--set Quantity=3` fixes and replays them, `jsm run --available-now` lands them in
silver exactly once, a second replay replays nothing, and a letter that keeps
failing ends, after max_attempts, in `_system/dlq_parked` (read with delta-rs)."""

import json
import shutil
import subprocess

import deltalake
import pytest

from conftest import run_jsm

TOPIC = "dlq-round-trip"
CONTRACT = ["dlq.reason", "dlq.error", "dlq.stage", "dlq.original.topic", "dlq.original.partition",
            "dlq.original.offset", "dlq.original.timestamp", "dlq.first_failed_at", "dlq.failed_at", "dlq.attempts",
            "dlq.pipeline_version"]

GOOD = [
    {"TransactionNo": "581482", "Date": "12/9/2019", "ProductNo": "22485", "Product": "Set Of 2 Wooden Market Crates",
     "Price": 21.47, "Quantity": 12, "CustomerNo": "17490", "Country": "United Kingdom"},
    {"TransactionNo": "581475", "Date": "12/9/2019", "ProductNo": "22596",
     "Product": "Christmas Star Wish List Chalkboard", "Price": 10.65, "Quantity": 36, "CustomerNo": "13069",
     "Country": "United Kingdom"},
]
TEXT_QUANTITY = {"TransactionNo": "581476", "Date": "12/9/2019", "ProductNo": "22597", "Product": "Star Garland",
                 "Price": 1.5, "Quantity": "three", "CustomerNo": "13069", "Country": "France"}
MISSING_QUANTITY = {"TransactionNo": "581477", "Date": "12/9/2019", "ProductNo": "22598", "Product": "Moon Lamp",
                    "Price": 2.25, "CustomerNo": "13069", "Country": "France"}
NOT_JSON = "581478 this is not an order"


def kcat():
    tool = shutil.which("kcat") or shutil.which("kafkacat")
    if tool is None:
        pytest.skip("kcat is not installed (Debian package kafkacat)")
    return tool


def produce_raw(bootstrap, topic, events):
    """(key, value) pairs produced with kcat, byte for byte (not through our producer)."""
    lines = "".join(f"{key}\t{value}\n" for key, value in events)
    subprocess.run([kcat(), "-P", "-b", bootstrap, "-t", topic, "-K", "\t"], input=lines, text=True, check=True,
                   timeout=60)


def read_dlq_with_kcat(bootstrap, topic, header_names=None):
    """[(key, value, {header: value})] of every message on `topic`, as kcat sees them (not our code).

    `header_names`: the headers to expect (default: the contract and dlq.replayed_from)."""
    fmt = "%k\x1f%s\x1f%h\x1e"
    out = subprocess.run([kcat(), "-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-q", "-f", fmt],
                         capture_output=True, text=True, check=True, timeout=60).stdout
    letters = []
    for record in out.split("\x1e"):
        if not record.strip():
            continue
        key, value, headers = record.split("\x1f")
        parsed = {}
        # kcat prints headers as name=value,name=value (values may hold commas: split on known names).
        names = sorted(header_names or CONTRACT + ["dlq.replayed_from"], key=len, reverse=True)
        rest = headers
        while rest:
            name = next((n for n in names if rest.startswith(n + "=")), None)
            assert name is not None, headers
            rest = rest[len(name) + 1:]
            ends = [rest.find("," + n + "=") for n in names if rest.find("," + n + "=") >= 0]
            end = min(ends) if ends else len(rest)
            parsed[name] = rest[:end]
            rest = rest[end + 1:]
        letters.append((key, value, parsed))
    return letters


def jsm_dlq(bootstrap, lakehouse, *args, check=True, topic=TOPIC):
    return run_jsm("--log-level", "warn", "dlq", *args, "--bootstrap", bootstrap, "--topic", topic,
                   "--lakehouse", lakehouse, timeout=180, check=check)


def run_available_now(bootstrap, lakehouse, topic=TOPIC):
    run_jsm("--log-level", "warn", "run", "--bootstrap", bootstrap, "--topic", topic, "--available-now",
            "--lakehouse", lakehouse, timeout=300)


def pending(bootstrap, lakehouse, topic=TOPIC):
    out = jsm_dlq(bootstrap, lakehouse, "list", "--format", "json", topic=topic).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def silver(lakehouse):
    rows = deltalake.DeltaTable(str(lakehouse / "silver/pedidos")).to_pyarrow_table().to_pylist()
    return rows


def test_dead_letter_round_trip_on_a_real_broker(real_kafka, tmp_path):
    bootstrap = real_kafka.bootstrap
    lakehouse = tmp_path / "lakehouse"
    run_jsm("--log-level", "warn", "topics", "ensure", "--bootstrap", bootstrap, "--topic", TOPIC, "--partitions", "3",
            timeout=120)
    produce_raw(bootstrap, TOPIC, [(e["TransactionNo"], json.dumps(e)) for e in GOOD] +
                [("581476", json.dumps(TEXT_QUANTITY)), ("581477", json.dumps(MISSING_QUANTITY)),
                 ("581478", NOT_JSON)])
    run_available_now(bootstrap, lakehouse)
    assert sorted(r["transaction_no"] for r in silver(lakehouse)) == ["581475", "581482"]

    # Dead-lettered with the original key and value and every header of the contract.
    letters = read_dlq_with_kcat(bootstrap, TOPIC + ".dlq")
    assert len(letters) == 3, letters
    by_key = {key: (value, headers) for key, value, headers in letters}
    assert by_key["581476"][0] == json.dumps(TEXT_QUANTITY)
    assert by_key["581478"][0] == NOT_JSON
    for key, (value, headers) in by_key.items():
        assert set(CONTRACT) <= set(headers), (key, headers)
        assert headers["dlq.stage"] == "refine" and headers["dlq.original.topic"] == TOPIC
        assert headers["dlq.attempts"] == "1"
    assert {k: h["dlq.reason"] for k, (v, h) in by_key.items()} == \
        {"581476": "wrong_type", "581477": "missing_field", "581478": "not_json"}

    # list: a readable table with counts per reason, and JSON lines.
    table = jsm_dlq(bootstrap, lakehouse, "list").stdout
    print(table)
    assert "3 pending letter(s): missing_field 1, not_json 1, wrong_type 1" in table, table
    first_letters = pending(bootstrap, lakehouse)
    assert {l["reason"] for l in first_letters} == {"wrong_type", "missing_field", "not_json"}
    first_failed_at = {l["key"]: l["first_failed_at"] for l in first_letters}
    since = jsm_dlq(bootstrap, lakehouse, "list", "--since", "1h", "--format", "json").stdout.splitlines()
    assert len(since) == 3
    assert jsm_dlq(bootstrap, lakehouse, "list", "--since", "2099-01-01", "--format", "json").stdout == ""
    assert {l["reason"] for l in map(json.loads, jsm_dlq(bootstrap, lakehouse, "list", "--reason", "not_json",
                                                         "--format", "json").stdout.splitlines())} == {"not_json"}

    # A dry run changes nothing.
    dry = jsm_dlq(bootstrap, lakehouse, "replay", "--set", "Quantity=3", "--dry-run", check=False)
    assert dry.returncode == 3 and "dry run" in dry.stdout, dry.stdout + dry.stderr
    assert len(pending(bootstrap, lakehouse)) == 3

    # The fix: the two JSON letters are replayed, the non-JSON one is reported, not guessed.
    fixed = jsm_dlq(bootstrap, lakehouse, "replay", "--set", "Quantity=3", check=False)
    print(fixed.stdout)
    assert fixed.returncode == 3, fixed.stdout + fixed.stderr
    assert "replayed 2 to " + TOPIC in fixed.stdout and "skipped 1" in fixed.stdout, fixed.stdout
    assert "not JSON" in fixed.stdout, fixed.stdout
    run_available_now(bootstrap, lakehouse)
    rows = silver(lakehouse)
    assert len(rows) == 4, rows
    quantities = {r["transaction_no"]: r["quantity"] for r in rows}
    assert quantities == {"581482": 12, "581475": 36, "581476": 3, "581477": 3}
    assert {r["transaction_no"]: str(r["line_total"]) for r in rows}["581476"] == "4.50"

    # A second replay replays nothing (the skipped letter is skipped again).
    second = jsm_dlq(bootstrap, lakehouse, "replay", "--set", "Quantity=3", check=False)
    assert "replayed 0 to" in second.stdout, second.stdout
    run_available_now(bootstrap, lakehouse)
    assert len(silver(lakehouse)) == 4

    # The non-JSON letter, replayed as is, fails again and again and is parked after max_attempts (3).
    for attempt in (2, 3):
        out = jsm_dlq(bootstrap, lakehouse, "replay").stdout
        assert "replayed 1 to" in out, out
        run_available_now(bootstrap, lakehouse)
        left = pending(bootstrap, lakehouse)
        assert [(l["reason"], l["attempts"]) for l in left] == [("not_json", attempt)], left
        # The first failure time is carried through the replays (dlq.first_failed_at of the replayed message).
        assert left[0]["first_failed_at"] == first_failed_at["581478"], left
    parked_out = jsm_dlq(bootstrap, lakehouse, "replay").stdout
    assert "replayed 0 to" in parked_out and "parked 1 in _system/dlq_parked" in parked_out, parked_out
    assert pending(bootstrap, lakehouse) == []

    parked = deltalake.DeltaTable(str(lakehouse / "_system/dlq_parked")).to_pyarrow_table().to_pylist()
    assert len(parked) == 1, parked
    assert parked[0]["value"] == NOT_JSON and parked[0]["key"] == "581478"
    assert parked[0]["reason"] == "not_json" and parked[0]["attempts"] == 3
    headers = json.loads(parked[0]["headers"])
    assert set(CONTRACT) <= set(headers)
    assert parked[0]["parked_at"] is not None
    shown = run_jsm("table", "show", "_system/dlq_parked", "--lakehouse", lakehouse, "--format", "json",
                    "--columns", "key", "reason", "attempts").stdout
    assert [json.loads(line) for line in shown.splitlines()] == [{"key": "581478", "reason": "not_json", "attempts": 3}]

    # Every replay and park is in the event log; silver still holds each event once.
    log = deltalake.DeltaTable(str(lakehouse / "_system/event_log")).to_pyarrow_table().to_pylist()
    actions = sorted(r["action"] for r in log if r["stage"] == "dlq")
    assert actions == ["park"] + ["replay"] * 4, actions
    assert len(silver(lakehouse)) == 4
    everything = jsm_dlq(bootstrap, lakehouse, "list", "--all", "--format", "json").stdout.splitlines()
    assert sorted(json.loads(l)["status"] for l in everything) == ["parked"] + ["replayed"] * 4, everything


def test_discard_is_recorded_and_the_letter_is_never_replayed(real_kafka, tmp_path):
    bootstrap = real_kafka.bootstrap
    lakehouse = tmp_path / "lakehouse"
    topic = "dlq-discard"
    run_jsm("--log-level", "warn", "topics", "ensure", "--bootstrap", bootstrap, "--topic", topic, timeout=120)
    produce_raw(bootstrap, topic, [("581478", NOT_JSON), ("581476", json.dumps(TEXT_QUANTITY))])
    run_available_now(bootstrap, lakehouse, topic=topic)
    dry = jsm_dlq(bootstrap, lakehouse, "discard", "--reason", "not_json", "--dry-run", topic=topic).stdout
    assert "1 letter(s) selected (dry run" in dry, dry
    out = jsm_dlq(bootstrap, lakehouse, "discard", "--reason", "not_json", topic=topic).stdout
    assert "discarded 1" in out, out
    assert [l["reason"] for l in pending(bootstrap, lakehouse, topic=topic)] == ["wrong_type"]
    replay = jsm_dlq(bootstrap, lakehouse, "replay", topic=topic).stdout
    assert "replayed 1 to" in replay, replay
    assert pending(bootstrap, lakehouse, topic=topic) == []
    log = deltalake.DeltaTable(str(lakehouse / "_system/event_log")).to_pyarrow_table().to_pylist()
    assert sorted(r["action"] for r in log if r["stage"] == "dlq") == ["discard", "replay"]


def test_dlq_refuses_the_embedded_broker_and_bad_flags(tmp_path):
    proc = run_jsm("dlq", "list", "--bootstrap", "embedded", check=False)
    assert proc.returncode == 2 and "needs a real broker" in proc.stderr
    proc = run_jsm("dlq", "replay", "--bootstrap", "127.0.0.1:1", "--set", "Quantity", check=False)
    assert proc.returncode == 2 and "FIELD=VALUE" in proc.stderr
    proc = run_jsm("dlq", "list", "--bootstrap", "127.0.0.1:1", "--since", "last tuesday", check=False)
    assert proc.returncode == 2 and "--since" in proc.stderr
