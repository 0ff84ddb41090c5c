"""Issue 13's "done when", on a real Kafka broker (deploy/kafka): a corpus of every kind of hostile
message the issue names goes through among 1,000 good orders, produced byte for byte with kcat:

bytes that are not UTF-8 (value, key, header), a tombstone, an empty value, NUL bytes, forged `dlq.*`
headers, a key given twice, extreme numbers (a price x quantity whose sum overflows DECIMAL(18,2),
quantities and prices beyond every type, exponents), raw control characters and formulas in text,
customer numbers that are not five digits, exact repeats of a message that breaks a drop rule, an
oversized value, deep nesting and other JSON that is not an order object.

Then `jsm run --available-now`, and the checks are made by the peers, not by `jsm`:
every message is in bronze byte for byte (delta-rs) and then in exactly one of silver, the
quarantine or the dead-letter topic (or removed as an exact repeat); the pipeline's own books in
`_system/event_log` agree with that count; silver's money equals gold's in every gold table, exactly
(Python Decimal); every `_delta_log` file is UTF-8 JSON; delta-rs, pyarrow (`validate(full=True)`)
and Spark read every table and agree on its rows; no forged header created a topic.
"""

import collections
import decimal
import json
import subprocess

import deltalake
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import run_jsm
from e2e.exact_messages import coalesce, kcat, produce_exact, read_topic_exact

TOPIC = "corpus"
EXTREME_LINES = 500
GOOD = {"TransactionNo": "591000", "Date": "12/9/2019", "ProductNo": "22485",
        "Product": "Set Of 2 Wooden Market Crates", "Price": 21.47, "Quantity": 12, "CustomerNo": "17490",
        "Country": "United Kingdom"}


def order(transaction, **fields):
    return json.dumps(dict(GOOD, TransactionNo=str(transaction), **fields)).encode()


def hostile_corpus():
    """[(kind, key, value, headers)]: every kind of issue 13, several of some."""
    corpus = [
        ("not_utf8", b"c1", bytes.fromhex("fffe006761726261676580"), []),
        ("tombstone", b"c2", None, []),
        ("empty", b"c3", b"", []),
        ("nul_bytes", b"c4", b"\x00{\"TransactionNo\":\x00}\x00", []),
        ("not_utf8_key", b"\xc3\x28\xff", order(591001), []),
        ("not_utf8_header", b"591002", order(591002), [(b"\xff\xfename", b"\x80value\xfe")]),
        ("overlong_utf8", b"c5", b'{"TransactionNo":"\xc0\xaf"}', []),
        ("surrogate_utf8", b"c6", b'{"Product":"\xed\xa0\x80"}', []),
        # Forged lineage: neither routes the letter nor creates a topic.
        ("forged_dlq_bad", b"c7", b"not json at all",
         [(b"dlq.original.topic", b"payments"), (b"dlq.attempts", b"999"),
          (b"dlq.first_failure_at", b"1999-01-01T00:00:00Z")]),
        ("forged_dlq_bad_name", b"c8", b"{\"broken\":", [(b"dlq.original.topic", b"bad name!*")]),
        ("forged_dlq_good", b"591003", order(591003), [(b"dlq.original.topic", b"payments"),
                                                       (b"dlq.signature", b"00" * 32)]),
        ("duplicate_key", b"591004",
         order(591004)[:-1] + b',"Quantity":2}', []),
        # Control characters (escaped, so valid JSON) and spreadsheet formulas in text.
        ("escape_sequence", b"591005", order(591005, Product="\x1b[31mRED\x1b[0m \x07bell"), []),
        ("formula", b"591006", order(591006, Product='=HYPERLINK("http://evil.example/","x")',
                                     Country="@SUM(A1)"), []),
        ("raw_control_char", b"c9", b'{"TransactionNo":"591007","Product":"a\x01b"}', []),
        # Customer numbers that are not five digits: quarantine.
        ("customer_negative", b"591008", order(591008, CustomerNo="-5"), []),
        ("customer_23_digits", b"591009", order(591009, CustomerNo="1" * 23), []),
        # Numbers beyond every type.
        ("quantity_int32_plus_1", b"591010", order(591010, Quantity=2147483648), []),
        ("quantity_int64_plus_1", b"591011", order(591011).replace(b'"Quantity": 12', b'"Quantity": 9223372036854775808'), []),
        ("price_1e400", b"591012", order(591012).replace(b'"Price": 21.47', b'"Price": 1e400'), []),
        ("price_tiny", b"591013", order(591013, Price=1e-300), []),
        ("price_digits", b"591014", order(591014).replace(b'"Price": 21.47', b'"Price": ' + b"9" * 400), []),
        ("price_negative_zero", b"591015", order(591015).replace(b'"Price": 21.47', b'"Price": -0.0'), []),
        ("quantity_fraction", b"591016", order(591016, Quantity=1.5), []),
        ("price_nan_text", b"591017", order(591017, Price="NaN"), []),
        ("oversize", b"c10", order(591018, Product="x" * 70000), []),
        ("deep_nesting", b"c11", b"[" * 100000 + b"]" * 100000, []),
        ("json_array", b"c12", b"[" + order(591019) + b"]", []),
        ("json_number", b"c13", b"591020", []),
        ("json_null", b"c14", b"null", []),
        ("trailing_content", b"591021", order(591021) + b" {}", []),
    ]
    # Exact repeats of a message that breaks a drop rule (quantity 0): quarantined once.
    corpus += [("drop_rule_repeat", b"591022", order(591022, Quantity=0), [])] * 3
    # 500 lines of 99999.99 x 2147483647, each within every rule: 1.07e17 GBP in one gold group,
    # more than DECIMAL(18,2) and than 64-bit cents hold.
    corpus += [(f"extreme_money_{i}", str(592000 + i).encode(),
                order(592000 + i, Price=99999.99, Quantity=2147483647), []) for i in range(EXTREME_LINES)]
    return corpus


@pytest.fixture(scope="module")
def corpus_run(real_kafka, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("corpus")
    bootstrap = real_kafka.bootstrap
    run_jsm("--log-level", "warn", "topics", "ensure", "--bootstrap", bootstrap, "--topic", TOPIC, timeout=120)
    run_jsm("--log-level", "warn", "produce", "--bootstrap", bootstrap, "--topic", TOPIC, "--synthetic", "500",
            "--seed", "41")
    corpus = hostile_corpus()
    for _, key, value, headers in corpus:
        produce_exact(bootstrap, TOPIC, key, value, headers, tmp)
    run_jsm("--log-level", "warn", "produce", "--bootstrap", bootstrap, "--topic", TOPIC, "--synthetic", "500",
            "--seed", "42")
    produced = read_topic_exact(bootstrap, TOPIC)
    assert len(produced) == 1000 + len(corpus)
    lakehouse = tmp / "lakehouse"
    run_jsm("--log-level", "warn", "run", "--bootstrap", bootstrap, "--topic", TOPIC, "--available-now",
            "--lakehouse", lakehouse, timeout=900)
    letters = read_topic_exact(bootstrap, TOPIC + ".dlq")
    where = collections.defaultdict(list)  # the topic has several partitions: find each by its bytes
    for offset, key, value, _ in produced:
        where[(key, value)].append(offset)
    kinds = {}
    for kind, key, value, _ in corpus:
        assert where[(key, value)], f"{kind} is not on the topic"
        kinds.setdefault(kind, where[(key, value)][0])
    return {"lakehouse": lakehouse, "produced": produced, "letters": letters, "kinds": kinds,
            "bootstrap": bootstrap}


def tables(lakehouse):
    """Every Delta table under the lakehouse, as paths relative to it."""
    return sorted(str(p.parent.relative_to(lakehouse)) for p in lakehouse.rglob("_delta_log")
                  if p.is_dir())


def letter_places(letters):
    """{(partition, offset): reason} of the dead letters, from their dlq.* headers."""
    places = {}
    for _, _, _, headers in letters:
        text = headers.decode("utf-8", "replace")
        offset = (int(text.split("dlq.original.partition=")[1].split(",")[0]),
                  int(text.split("dlq.original.offset=")[1].split(",")[0]))
        assert offset not in places, f"{offset} dead-lettered twice"
        places[offset] = text.split("dlq.reason=")[1].split(",")[0]
    return places


def coordinates(lakehouse, table):
    data = deltalake.DeltaTable(str(lakehouse / table)).to_pyarrow_table(columns=["_partition", "_offset"])
    pairs = list(zip(data.column("_partition").to_pylist(), data.column("_offset").to_pylist()))
    assert len(pairs) == len(set(pairs)), f"{table} holds a message twice"
    return set(pairs)


def test_every_message_is_in_bronze_byte_for_byte(corpus_run):
    rows = deltalake.DeltaTable(str(corpus_run["lakehouse"] / "bronze/pedidos")).to_pyarrow_table().to_pylist()
    by_offset = {(r["partition"], r["offset"]): r for r in rows}
    assert len(rows) == len(by_offset) == len(corpus_run["produced"])
    for offset, key, value, _ in corpus_run["produced"]:
        assert coalesce(by_offset[offset], "value", "value_raw") == value, offset
        assert coalesce(by_offset[offset], "key", "key_raw") == key, offset


def test_every_message_has_exactly_one_place_and_the_books_agree(corpus_run):
    lakehouse = corpus_run["lakehouse"]
    silver = coordinates(lakehouse, "silver/pedidos")
    quarantine = coordinates(lakehouse, "silver/pedidos_quarantine")
    letters = letter_places(corpus_run["letters"])
    def order_of(value):  # the order a value stands for, however its bytes are laid out
        try:
            return json.dumps(json.loads(value), sort_keys=True)
        except (TypeError, ValueError, RecursionError):
            return None

    orders = collections.Counter(order_of(value) for _, _, value, _ in corpus_run["produced"])
    duplicates = 0
    for offset, _, value, _ in corpus_run["produced"]:
        places = (offset in silver) + (offset in quarantine) + (offset in letters)
        if places == 0:  # removed as an exact repeat (the synthetic orders repeat some lines too)
            assert order_of(value) is not None and orders[order_of(value)] > 1, f"{offset} is nowhere: {value[:200]!r}"
            duplicates += 1
        else:
            assert places == 1, f"{offset} is in {places} places"
    assert duplicates >= 2  # at least the two repeats of the drop-rule message
    kinds = corpus_run["kinds"]
    reasons = {kind: letters.get(offset) for kind, offset in kinds.items()}
    assert reasons["not_utf8"] == "invalid_utf8"
    assert reasons["tombstone"] == "not_json" or reasons["tombstone"] == "null_value"
    assert reasons["duplicate_key"] == "duplicate_field"
    assert reasons["oversize"] == "oversize"
    assert reasons["deep_nesting"] is not None and reasons["json_array"] == "not_json"
    for kind in ("not_utf8_key", "not_utf8_header", "forged_dlq_good", "escape_sequence", "formula"):
        assert kinds[kind] in silver, kind
    for kind in ("customer_negative", "customer_23_digits", "drop_rule_repeat"):
        assert kinds[kind] in quarantine, kind
    # The pipeline's own books (refine's batch rows in _system/event_log) say the same.
    log = deltalake.DeltaTable(str(lakehouse / "_system/event_log")).to_pyarrow_table().to_pylist()
    refine = [r for r in log if r["stage"] == "refine" and r["expectation"] is None]
    assert sum(r["rows_in"] for r in refine) == len(corpus_run["produced"])
    assert sum(r["dead_letters"] for r in refine) == len(letters)
    assert sum(r["quarantined"] for r in refine) == len(quarantine)
    assert sum(r["duplicates"] for r in refine) == duplicates
    assert sum(r["rows_out"] for r in refine) == len(silver)


def test_silver_money_equals_gold_money_in_every_gold_table_exactly(corpus_run):
    lakehouse = corpus_run["lakehouse"]
    silver = deltalake.DeltaTable(str(lakehouse / "silver/pedidos")).to_pyarrow_table().to_pylist()
    gross = sum((r["line_total"] for r in silver if not r["is_cancellation"]), decimal.Decimal(0))
    cancelled = sum((-r["line_total"] for r in silver if r["is_cancellation"]), decimal.Decimal(0))
    extreme = decimal.Decimal("99999.99") * 2147483647
    assert gross > EXTREME_LINES * extreme  # the extreme lines are in silver, whole
    for table in ("gold/daily_sales", "gold/country_summary", "gold/product_performance"):
        data = deltalake.DeltaTable(str(lakehouse / table)).to_pyarrow_table()
        for field in data.schema:  # every value fits the precision its column declares
            if pa.types.is_decimal(field.type):
                limit = decimal.Decimal(10) ** (field.type.precision - field.type.scale)
                assert all(abs(v) < limit for v in data.column(field.name).to_pylist() if v is not None), \
                    (table, field)
        rows = data.to_pylist()
        assert sum((r["gross_revenue"] for r in rows), decimal.Decimal(0)) == gross, table
        assert sum((r["cancelled_revenue"] for r in rows), decimal.Decimal(0)) == cancelled, table
        assert sum((r["net_revenue"] for r in rows), decimal.Decimal(0)) == gross - cancelled, table
        assert all(r["net_revenue"] == r["gross_revenue"] - r["cancelled_revenue"] for r in rows), table


def test_every_delta_log_file_is_utf8_json(corpus_run):
    logs = list(corpus_run["lakehouse"].rglob("_delta_log/*.json"))
    assert len(logs) > 5
    for path in logs:
        lines = [line for line in path.read_bytes().decode("utf-8").splitlines() if line.strip()]
        assert lines, f"{path} is empty"
        for line in lines:
            assert isinstance(json.loads(line), dict), (path, line)


def test_delta_rs_pyarrow_and_spark_read_every_table_alike(corpus_run, spark):
    lakehouse = corpus_run["lakehouse"]
    names = tables(lakehouse)
    for expected in ("bronze/pedidos", "silver/pedidos", "silver/pedidos_quarantine", "gold/daily_sales",
                     "_system/event_log"):
        assert expected in names
    for name in names:
        table = deltalake.DeltaTable(str(lakehouse / name))
        data = table.to_pyarrow_table()
        data.validate(full=True)
        data.to_pylist()
        for uri in table.file_uris():
            path = uri.removeprefix("file://")
            pq.read_table(path, page_checksum_verification=True).validate(full=True)
        assert spark.read.format("delta").load(str(lakehouse / name)).count() == data.num_rows, name
    spark_net = spark.read.format("delta").load(str(lakehouse / "gold/daily_sales")) \
        .selectExpr("sum(net_revenue) AS net").collect()[0]["net"]
    rows = deltalake.DeltaTable(str(lakehouse / "gold/daily_sales")).to_pyarrow_table().to_pylist()
    assert spark_net == sum((r["net_revenue"] for r in rows), decimal.Decimal(0))


def test_forged_headers_created_no_topic(corpus_run):
    metadata = json.loads(subprocess.run([kcat(), "-L", "-J", "-b", corpus_run["bootstrap"]], capture_output=True,
                                         text=True, check=True, timeout=60).stdout)
    topics = {t["topic"] for t in metadata["topics"]}
    assert "payments.dlq" not in topics and "bad name!*.dlq" not in topics
    assert TOPIC + ".dlq" in topics
    headers = [h.decode("utf-8", "replace") for _, _, _, h in corpus_run["letters"]]
    assert not any("dlq.attempts=999" in h for h in headers)
