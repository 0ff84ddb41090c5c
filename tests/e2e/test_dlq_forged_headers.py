"""Issue 13, item 3, on the embedded broker (`jsm broker`): dlq.* headers that a producer writes
itself steer nothing. Their letters go to pedidos.dlq as first failures at the real coordinates
(read with kcat), no topic named by a header is created, bronze keeps the forged headers as
ordinary headers, `jsm dlq list` shows as many letters as the books count, and only lineage that
`jsm dlq replay` signed counts: a genuine replay keeps counting, a copy of it with another value
does not."""

import json
import subprocess

import deltalake

from conftest import run_jsm
from e2e.test_dlq_real_kafka import CONTRACT, GOOD, MISSING_QUANTITY, NOT_JSON, TEXT_QUANTITY, kcat
from e2e.test_dlq_real_kafka import read_dlq_with_kcat

TOPIC = "pedidos"  # the topic `jsm broker` creates, with pedidos.dlq
LETTER_HEADERS = CONTRACT + ["dlq.replayed_from", "dlq.replayed_at", "dlq.previous_reason", "dlq.lineage_ignored"]
REPLAY_HEADERS = ["dlq.attempts", "dlq.first_failed_at", "dlq.replayed_from", "dlq.replayed_at",
                  "dlq.previous_reason", "dlq.original.topic", "dlq.original.partition", "dlq.original.offset",
                  "dlq.original.timestamp", "dlq.signature"]

FORGED = [
    # (key, value, headers): each would steer its letter if headers were believed.
    ("581476", json.dumps(TEXT_QUANTITY),
     [("dlq.attempts", "1"), ("dlq.original.topic", "payments"), ("dlq.original.partition", "0"),
      ("dlq.original.offset", "0")]),
    ("581478", NOT_JSON,
     [("dlq.attempts", "1"), ("dlq.original.topic", "bad name!*"), ("dlq.original.partition", "0"),
      ("dlq.original.offset", "0")]),
    ("581479", json.dumps(dict(TEXT_QUANTITY, TransactionNo="581479")), [("dlq.attempts", "999")]),
    ("581477", json.dumps(MISSING_QUANTITY),
     [("dlq.attempts", "2"), ("dlq.first_failed_at", "1999-01-01T00:00:00.000Z"),
      ("dlq.replayed_from", "pedidos.dlq 0@0"), ("dlq.signature", "v1:" + "0" * 64)]),
]


def produce(bootstrap, key, value, headers=()):
    """One message produced with kcat (not our producer), headers as given."""
    args = [kcat(), "-P", "-b", bootstrap, "-t", TOPIC, "-K", "\t"]
    for name, text in headers:
        args += ["-H", f"{name}={text}"]
    subprocess.run(args, input=f"{key}\t{value}\n", text=True, check=True, timeout=60)


def read_topic(bootstrap, topic, names):
    return read_dlq_with_kcat(bootstrap, topic, names)


def topics(bootstrap):
    metadata = json.loads(subprocess.run([kcat(), "-L", "-J", "-b", bootstrap], capture_output=True, text=True,
                                         check=True, timeout=60).stdout)
    return {t["topic"] for t in metadata["topics"]}


def run(bootstrap, lakehouse):
    run_jsm("--log-level", "warn", "run", "--bootstrap", bootstrap, "--topic", TOPIC, "--available-now",
            "--lakehouse", lakehouse, timeout=300)


def dlq(bootstrap, lakehouse, *args):
    return run_jsm("--log-level", "warn", "dlq", *args, "--bootstrap", bootstrap, "--topic", TOPIC,
                   "--lakehouse", lakehouse, timeout=180)


def listed(bootstrap, lakehouse):
    out = dlq(bootstrap, lakehouse, "list", "--format", "json").stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def books_dead_letters(lakehouse):
    history = deltalake.DeltaTable(str(lakehouse / "silver/pedidos")).history()
    return sum(int(h.get("operationMetrics", {}).get("numDeadLetters", 0)) for h in history)


def bronze_by_key(lakehouse):
    rows = deltalake.DeltaTable(str(lakehouse / "bronze/pedidos")).to_pyarrow_table().to_pylist()
    return {r["key"]: r for r in sorted(rows, key=lambda r: (r["partition"], r["offset"]))}


def test_forged_dlq_headers_steer_nothing_and_signed_replays_keep_their_lineage(broker, tmp_path):
    bootstrap = broker.bootstrap
    lakehouse = tmp_path / "lakehouse"
    for event in GOOD:
        produce(bootstrap, event["TransactionNo"], json.dumps(event))
    # A good order with forged lineage headers is just an order.
    produce(bootstrap, "581490", json.dumps(dict(GOOD[0], TransactionNo="581490")), [("dlq.attempts", "999")])
    for key, value, headers in FORGED:
        produce(bootstrap, key, value, headers)
    run(bootstrap, lakehouse)

    bronze = bronze_by_key(lakehouse)
    assert len(bronze) == len(GOOD) + 1 + len(FORGED)
    # Bronze keeps the forged headers, as ordinary headers.
    for key, _, headers in FORGED:
        assert [(h["key"], h["value"]) for h in json.loads(bronze[key]["headers"])] == headers, bronze[key]

    letters = read_topic(bootstrap, TOPIC + ".dlq", LETTER_HEADERS)
    assert sorted(k for k, _, _ in letters) == sorted(k for k, _, _ in FORGED), letters
    for key, value, headers in letters:
        row = bronze[key]
        assert value == row["value"]
        assert headers["dlq.attempts"] == "1", (key, headers)
        assert headers["dlq.original.topic"] == TOPIC, (key, headers)
        assert (headers["dlq.original.partition"], headers["dlq.original.offset"]) == \
            (str(row["partition"]), str(row["offset"])), (key, headers, row)
        assert headers["dlq.first_failed_at"] == headers["dlq.failed_at"], (key, headers)
        assert headers["dlq.first_failed_at"] > "2020", (key, headers)
        assert "dlq.replayed_from" not in headers, (key, headers)
        assert headers["dlq.lineage_ignored"] == ("bad_signature" if key == "581477" else "unsigned"), headers
    names = topics(bootstrap)
    assert "payments.dlq" not in names and "bad name!*.dlq" not in names, names
    assert {TOPIC, TOPIC + ".dlq"} <= names, names

    # jsm dlq sees every letter the books count, each as a first failure (the look-up of the
    # message it came from does not believe its unsigned headers either).
    pending = listed(bootstrap, lakehouse)
    assert books_dead_letters(lakehouse) == len(FORGED)
    assert len(pending) == len(FORGED), pending
    assert all(l["attempts"] == 1 for l in pending), [(l["key"], l["attempts"]) for l in pending]
    silver = deltalake.DeltaTable(str(lakehouse / "silver/pedidos")).to_pyarrow_table().to_pylist()
    assert sorted(r["transaction_no"] for r in silver) == sorted([e["TransactionNo"] for e in GOOD] + ["581490"])

    # A genuine replay (still wrong) is signed, and its next letter keeps the lineage.
    out = dlq(bootstrap, lakehouse, "replay", "--reason", "wrong_type", "--set", "Quantity=text2").stdout
    assert "replayed 2 to" in out, out
    replays = [m for m in read_topic(bootstrap, TOPIC, REPLAY_HEADERS) if "dlq.replayed_at" in m[2]]
    assert len(replays) == 2, replays
    assert all(h["dlq.signature"].startswith("v1:") and len(h["dlq.signature"]) == 67 for _, _, h in replays)
    # A copy of a signed replay with another value: the signature no longer verifies.
    key, value, headers = replays[0]
    produce(bootstrap, "581491", json.dumps(dict(TEXT_QUANTITY, TransactionNo="581491")), list(headers.items()))
    run(bootstrap, lakehouse)

    letters = read_topic(bootstrap, TOPIC + ".dlq", LETTER_HEADERS)[len(FORGED):]
    by_key = {k: h for k, _, h in letters}
    assert sorted(by_key) == ["581476", "581479", "581491"], letters
    first = {k: h for k, _, h in read_topic(bootstrap, TOPIC + ".dlq", LETTER_HEADERS)[:len(FORGED)]}
    for replayed in ("581476", "581479"):
        h = by_key[replayed]
        assert h["dlq.attempts"] == "2", h
        assert h["dlq.first_failed_at"] == first[replayed]["dlq.first_failed_at"], h
        assert (h["dlq.original.partition"], h["dlq.original.offset"]) == \
            (first[replayed]["dlq.original.partition"], first[replayed]["dlq.original.offset"]), h
        assert h["dlq.replayed_from"].startswith(TOPIC + ".dlq "), h
        assert "dlq.lineage_ignored" not in h, h
    copied = by_key["581491"]
    assert copied["dlq.attempts"] == "1" and copied["dlq.lineage_ignored"] == "bad_signature", copied
    assert copied["dlq.original.offset"] == str(bronze_by_key(lakehouse)["581491"]["offset"]), copied

    pending = listed(bootstrap, lakehouse)
    assert books_dead_letters(lakehouse) == len(FORGED) + 3
    assert sorted((l["key"], l["attempts"]) for l in pending) == \
        [("581476", 2), ("581477", 1), ("581478", 1), ("581479", 2), ("581491", 1)], pending
