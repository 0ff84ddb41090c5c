"""Hostile bytes on the embedded broker (issue 13): messages no order producer would send, among good
orders, produced byte for byte with kcat (not our producer):

- a value that is not UTF-8 (ff fe 00 'garbage' 80), an empty value, a tombstone (null value),
  NUL bytes, an invalid-UTF-8 key, an invalid-UTF-8 header name and value, an emoji value;

then `jsm run --available-now`. Every message's bytes are in bronze exactly (coalesce(value,
value_raw), null stays null), read by delta-rs, by pyarrow with validate(full=True), and by Spark;
every `_delta_log/*.json` line is valid UTF-8 JSON; the API body is valid JSON; every bronze message
is in silver, the quarantine or the dead-letter topic (or removed as a duplicate), and the dead letters
carry the exact bytes, a tombstone's with a null value.
"""

import collections
import json
import subprocess
import urllib.request

import deltalake
import pyarrow.parquet as pq
import pytest

from conftest import JSM, Broker, run_jsm
from e2e.exact_messages import coalesce, produce_exact, read_topic_exact

TOPIC = "pedidos"
GOOD = {"TransactionNo": "590001", "Date": "12/9/2019", "ProductNo": "22485",
        "Product": "Set Of 2 Wooden Market Crates", "Price": 21.47, "Quantity": 12, "CustomerNo": "17490",
        "Country": "United Kingdom"}
GOOD_EMOJI = dict(GOOD, TransactionNo="590002", Product="Crate \U0001F600")
GOOD_BAD_KEY = dict(GOOD, TransactionNo="590003")
GOOD_BAD_HEADER = dict(GOOD, TransactionNo="590004")

# (name, key bytes or None, value bytes or None, [(header name, header value)]).
HOSTILE = [
    ("not_utf8", b"h1", bytes.fromhex("fffe0067617262616765 80".replace(" ", "")), []),
    ("empty", b"h2", b"", []),
    ("tombstone", b"h3", None, []),
    ("nul_bytes", b"h4", b"\x00{\"TransactionNo\":\x00}\x00", []),
    ("bad_key", b"\xc3\x28\xff", json.dumps(GOOD_BAD_KEY).encode(), []),
    ("bad_header", b"590004", json.dumps(GOOD_BAD_HEADER).encode(), [(b"\xff\xfename", b"\x80value\xfe")]),
    ("emoji_value", b"h7", "\U0001F600".encode(), []),
    ("emoji_order", b"590002", json.dumps(GOOD_EMOJI, ensure_ascii=False).encode(), []),
]


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    broker = Broker()
    try:
        bootstrap = broker.bootstrap
        lakehouse = tmp / "lakehouse"
        run_jsm("--log-level", "warn", "produce", "--bootstrap", bootstrap, "--topic", TOPIC, "--synthetic", "500",
                "--seed", "31")
        for _, key, value, headers in HOSTILE:
            produce_exact(bootstrap, TOPIC, key, value, headers, tmp)
        run_jsm("--log-level", "warn", "produce", "--bootstrap", bootstrap, "--topic", TOPIC, "--synthetic", "500",
                "--seed", "32")
        produced = read_topic_exact(bootstrap, TOPIC)
        assert len(produced) == 1000 + len(HOSTILE)
        run_jsm("--log-level", "warn", "run", "--bootstrap", bootstrap, "--topic", TOPIC, "--available-now",
                "--lakehouse", lakehouse, timeout=600)
        letters = read_topic_exact(bootstrap, TOPIC + ".dlq")
        yield {"lakehouse": lakehouse, "produced": produced, "letters": letters}
    finally:
        broker.stop()


def test_delta_rs_reads_every_message_byte_for_byte(hostile_run):
    rows = deltalake.DeltaTable(str(hostile_run["lakehouse"] / "bronze/pedidos")).to_pyarrow_table().to_pylist()
    by_offset = {(r["partition"], r["offset"]): r for r in rows}
    assert len(rows) == len(hostile_run["produced"]) == len(by_offset)
    for offset, key, value, _ in hostile_run["produced"]:
        row = by_offset[offset]
        assert coalesce(row, "value", "value_raw") == value, (offset, row)
        assert coalesce(row, "key", "key_raw") == key, (offset, row)
        # Never both: text when it is UTF-8, bytes otherwise.
        assert row["value"] is None or row["value_raw"] is None
    tombstone = next(r for r in rows if r["key"] == "h3")
    assert tombstone["value"] is None and tombstone["value_raw"] is None
    empty = next(r for r in rows if r["key"] == "h2")
    assert empty["value"] == "" and empty["value_raw"] is None
    hostile = next(r for r in rows if r["key"] == "h1")
    assert hostile["value"] is None and hostile["value_raw"] == bytes.fromhex("fffe006761726261676580")
    bad_key = next(r for r in rows if r["key_raw"] is not None)
    assert bad_key["key"] is None and bad_key["key_raw"] == b"\xc3\x28\xff"
    header_row = next(r for r in rows if r["key"] == "590004")
    assert json.loads(header_row["headers"]) == [{"key_base64": "//5uYW1l", "value_base64": "gHZhbHVl/g=="}]


def test_pyarrow_validates_every_data_file_of_every_table_fully(hostile_run):
    lakehouse = hostile_run["lakehouse"]
    files = [p for p in lakehouse.rglob("*.parquet") if "_delta_log" not in p.parts]
    assert any("bronze" in p.parts for p in files)
    for path in files:
        table = pq.read_table(path)
        table.validate(full=True)
        table.to_pylist()  # every string decodes


def test_every_delta_log_line_is_utf8_json(hostile_run):
    logs = list(hostile_run["lakehouse"].rglob("_delta_log/*.json"))
    assert logs
    for path in logs:
        text = path.read_bytes().decode("utf-8")  # raises on invalid UTF-8
        for line in text.splitlines():
            if line.strip():
                assert isinstance(json.loads(line), dict), (path, line)


def test_every_message_is_in_silver_quarantine_or_the_dead_letters(hostile_run):
    lakehouse = hostile_run["lakehouse"]
    def coordinates(path):
        table = deltalake.DeltaTable(str(lakehouse / path)).to_pyarrow_table(columns=["_partition", "_offset"])
        return set(zip(table.column("_partition").to_pylist(), table.column("_offset").to_pylist()))

    silver_offsets = coordinates("silver/pedidos")
    quarantined = coordinates("silver/pedidos_quarantine")
    letters = {}
    for _, key, value, headers in hostile_run["letters"]:
        text = headers.decode("utf-8", "replace")
        offset = (int(text.split("dlq.original.partition=")[1].split(",")[0]),
                  int(text.split("dlq.original.offset=")[1].split(",")[0]))
        reason = text.split("dlq.reason=")[1].split(",")[0]
        letters[offset] = (key, value, reason)
    produced = {offset: (key, value) for offset, key, value, _ in hostile_run["produced"]}
    def order_of(value):
        try:
            return json.dumps(json.loads(value), sort_keys=True)
        except (TypeError, ValueError):
            return None

    orders = collections.Counter(order_of(v) for _, v in produced.values())
    for offset in sorted(produced):
        key, value = produced[offset]
        places = (offset in silver_offsets) + (offset in quarantined) + (offset in letters)
        if places == 0:  # removed as a duplicate: the same order came more than once
            assert order_of(value) is not None and orders[order_of(value)] > 1, f"{offset} is nowhere"
        else:
            assert places == 1, offset
        if offset in letters:
            assert letters[offset][:2] == (key, value), offset  # exact bytes, null stays null
    by_key = {produced[o][0]: o for o in produced}
    assert letters[by_key[b"h3"]] == (b"h3", None, "null_value")
    assert letters[by_key[b"h1"]][2] == "invalid_utf8"
    assert letters[by_key[b"h2"]][1] == b""
    assert by_key[b"h4"] in letters and by_key[b"h7"] in letters
    # The orders with a hostile key, header or an emoji are good orders: silver.
    for key in (b"\xc3\x28\xff", b"590004", b"590002"):
        assert by_key[key] in silver_offsets, key


def test_the_api_returns_valid_json_for_every_bronze_row(hostile_run):
    proc = subprocess.Popen([JSM, "serve", "--lakehouse", str(hostile_run["lakehouse"]), "--listen", "127.0.0.1:0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://"), proc.stderr.read()
        with urllib.request.urlopen(url + "/api/tables/bronze/pedidos?limit=100000", timeout=60) as response:
            body = response.read()
        parsed = json.loads(body.decode("utf-8"))
        rows = parsed["rows"]
        assert len(rows) == len(hostile_run["produced"])
        hostile = next(r for r in rows if r["key"] == "h1")
        assert hostile["value"] is None and hostile["value_raw"] == "//4AZ2FyYmFnZYA="
        nul = next(r for r in rows if r["key"] == "h4")
        assert nul["value"] == "\x00{\"TransactionNo\":\x00}\x00"
        with urllib.request.urlopen(url + "/api/tables/bronze/pedidos?format=csv&limit=100000", timeout=60) as response:
            assert b"//4AZ2FyYmFnZYA=" in response.read()
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_spark_reads_the_same_bytes(hostile_run, spark):
    rows = spark.read.format("delta").load(str(hostile_run["lakehouse"] / "bronze/pedidos")).collect()
    by_offset = {(r["partition"], r["offset"]): r.asDict() for r in rows}
    assert len(by_offset) == len(hostile_run["produced"])
    for offset, key, value, _ in hostile_run["produced"]:
        assert coalesce(by_offset[offset], "value", "value_raw") == value, offset
        assert coalesce(by_offset[offset], "key", "key_raw") == key, offset


# --- A bronze table broken exactly as the previous release broke it, and `jsm table repair`.

PREVIOUS_BRONZE_SCHEMA = {"type": "struct", "fields": [
    {"name": n, "type": t, "nullable": nullable, "metadata": {}} for n, t, nullable in [
        ("value", "string", True), ("key", "string", True), ("topic", "string", False),
        ("partition", "integer", False), ("offset", "long", False), ("kafka_timestamp", "timestamp", True),
        ("ingested_at", "timestamp", False), ("headers", "string", True)]]}


def write_broken_bronze(lakehouse):
    """bronze/pedidos as the previous release wrote it for these messages: the raw value in the STRING
    column, and, because it sorts last, raw in the commit's maxValues. Returns the messages' values."""
    import pyarrow as pa

    table_dir = lakehouse / "bronze" / "pedidos"
    (table_dir / "_delta_log").mkdir(parents=True)
    hostile = bytes.fromhex("fffe006761726261676580")
    values = [json.dumps(GOOD).encode(), hostile, b"", None]
    keys = [b"590001", b"\xc3\x28", None, b"h4"]

    def strings(items):  # a STRING column holding any bytes, as the old writer did (no UTF-8 check)
        return pa.array(items, pa.binary()).view(pa.string())

    data = pa.table({
        "value": strings(values), "key": strings(keys), "topic": pa.array(["pedidos"] * 4),
        "partition": pa.array([0] * 4, pa.int32()), "offset": pa.array(range(4), pa.int64()),
        "kafka_timestamp": pa.array([None] * 4, pa.timestamp("us", tz="UTC")),
        "ingested_at": pa.array([1_700_000_000_000_000] * 4, pa.timestamp("us", tz="UTC")),
        "headers": pa.array([None] * 4, pa.string())})
    name = "part-00000-broken-c000.snappy.parquet"
    pq.write_table(data, table_dir / name)
    size = (table_dir / name).stat().st_size
    schema_string = json.dumps(PREVIOUS_BRONZE_SCHEMA, separators=(",", ":"))
    v0 = [{"commitInfo": {"timestamp": 1, "operation": "CREATE TABLE"}},
          {"protocol": {"minReaderVersion": 1, "minWriterVersion": 2}},
          {"metaData": {"id": "00000000-0000-4000-8000-000000000001", "name": "pedidos_bronze",
                        "format": {"provider": "parquet", "options": {}}, "schemaString": schema_string,
                        "partitionColumns": [], "configuration": {}, "createdTime": 1}}]
    (table_dir / "_delta_log" / "00000000000000000000.json").write_text("".join(json.dumps(a) + "\n" for a in v0))
    # The old stats writer escaped '"', '\\' and control characters but copied other bytes raw.
    def raw_json_string(b):
        out = b'"'
        for byte in b:
            c = bytes([byte])
            out += b'\\"' if c == b'"' else b"\\\\" if c == b"\\" else (b"\\u%04x" % byte if byte < 0x20 else c)
        return out + b'"'
    stats = (b'{"numRecords":4,"minValues":{"value":' + raw_json_string(b"") + b',"key":"590001","topic":"pedidos"},'
             b'"maxValues":{"value":' + raw_json_string(hostile) + b',"key":' + raw_json_string(b"\xc3\x28")
             + b',"topic":"pedidos"},"nullCount":{"value":1,"key":1,"topic":0}}')
    add = (b'{"add":{"path":"' + name.encode() + b'","partitionValues":{},"size":' + str(size).encode()
           + b',"modificationTime":2,"dataChange":true,"stats":' + raw_json_string(stats) + b'}}\n')
    commit = b'{"commitInfo":{"timestamp":2,"operation":"STREAMING UPDATE"}}\n' + add
    (table_dir / "_delta_log" / "00000000000000000001.json").write_bytes(commit)
    return values, keys


def test_repair_makes_a_table_the_previous_release_broke_readable_by_everyone(tmp_path):
    lakehouse = tmp_path / "lakehouse"
    values, keys = write_broken_bronze(lakehouse)
    path = str(lakehouse / "bronze/pedidos")
    with pytest.raises(Exception):
        deltalake.DeltaTable(path).to_pyarrow_table()  # broken as reported: non-UTF-8 data
    shown = run_jsm("table", "show", "bronze/pedidos", "--lakehouse", lakehouse, check=False)
    assert shown.returncode != 0
    assert "jsm table repair" in shown.stderr, shown.stderr

    out = run_jsm("table", "repair", "bronze/pedidos", "--lakehouse", lakehouse).stdout
    assert "1 line(s) not UTF-8" in out and "1 of 1 file(s) rewritten" in out, out

    rows = deltalake.DeltaTable(path).to_pyarrow_table().to_pylist()
    by_offset = {r["offset"]: r for r in rows}
    assert len(by_offset) == 4
    for offset in range(4):
        assert coalesce(by_offset[offset], "value", "value_raw") == values[offset], offset
        assert coalesce(by_offset[offset], "key", "key_raw") == keys[offset], offset
    for data_file in deltalake.DeltaTable(path).file_uris():
        table = pq.read_table(data_file)
        table.validate(full=True)
        table.to_pylist()
    # Everything written since the repair is UTF-8 JSON, and jsm reads the table again.
    for log in (lakehouse / "bronze/pedidos/_delta_log").glob("*.json"):
        if log.name > "00000000000000000001.json":
            for line in log.read_bytes().decode("utf-8").splitlines():
                json.loads(line)
    run_jsm("table", "show", "bronze/pedidos", "--lakehouse", lakehouse)
