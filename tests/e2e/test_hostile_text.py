"""Hostile text and repeats end to end (issue 13, items 8, 9, 10): an ESC sequence in a
product name never reaches the terminal raw from `jsm table show`, `jsm dlq`'s and
`jsm config check`'s kin; formula cells come out of both CSV exports neutralized while
numbers stay numbers; repeats of a message that breaks a drop rule are quarantined
once and counted as duplicates; a CustomerNo that is not five digits stays out of silver."""

import csv
import io
import json
import subprocess
import urllib.request

import deltalake
import pytest

from conftest import JSM, reconciliation, run_jsm

ESC_NAME = "RED \x1b[31mALERT\x1b[0m \x1b]0;owned\x07BAG"
FORMULA = '=HYPERLINK("http://evil.example/","click")'
HEADER = "TransactionNo,Date,ProductNo,ProductName,Price,Quantity,CustomerNo,Country"


def csv_line(*cells):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()


def has_raw_control(text):
    return any(ord(c) < 0x20 and c not in "\n" or 0x7F <= ord(c) <= 0x9F for c in text)


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    lines = [HEADER + "\n",
             csv_line("581001", "12/9/2019", "22480", ESC_NAME, "2.50", "3", "17490", "United Kingdom"),
             csv_line("581002", "12/9/2019", "22481", FORMULA, "1.25", "4", "17490", "United Kingdom"),
             csv_line("C581003", "12/9/2019", "22482", "@SUM(A1)", "2.50", "-2", "17490", "United Kingdom"),
             # one message that breaks quantity_non_zero, three times: quarantined once
             *[csv_line("581004", "12/9/2019", "22483", "ZERO", "1.00", "0", "17490", "France")] * 3,
             csv_line("581005", "12/9/2019", "22484", "NEG CUSTOMER", "1.00", "1", "-5", "France"),
             csv_line("581006", "12/9/2019", "22485", "LONG CUSTOMER", "1.00", "1", "1" * 23, "France"),
             csv_line("581007", "12/9/2019", "22486", "NO CUSTOMER", "1.00", "1", "NA", "France")]
    data = base / "hostile.csv"
    data.write_bytes("".join(lines).encode())
    lakehouse = base / "lakehouse"
    proc = run_jsm("run", "--input", data, "--until-drained", "--lakehouse", lakehouse, timeout=300)
    return lakehouse, proc.stdout


def test_repeats_of_a_bad_rule_message_are_quarantined_once_and_counted(hostile_run):
    lakehouse, stdout = hostile_run
    books = reconciliation(stdout)
    assert "balanced" in stdout, stdout
    quarantine = deltalake.DeltaTable(str(lakehouse / "silver/pedidos_quarantine")).to_pyarrow_table().to_pylist()
    by_transaction = sorted((r["transaction_no"], r["broken_rules"]) for r in quarantine)
    assert by_transaction == [("581004", "quantity_non_zero"), ("581005", "customer_no_format"),
                              ("581006", "customer_no_format")]
    assert books["quarantined"] == 3
    assert books["duplicates removed"] == 2
    assert "repeats of quarantined" in stdout
    assert books["silver rows"] == 4


def test_customer_numbers_that_are_not_five_digits_stay_out_of_silver(hostile_run):
    lakehouse, _ = hostile_run
    silver = deltalake.DeltaTable(str(lakehouse / "silver/pedidos")).to_pyarrow_table()
    assert sorted(silver["customer_no"].to_pylist(), key=str) == ["17490", "17490", "17490", None]


def test_table_show_escapes_control_characters_and_json_stays_exact(hostile_run):
    lakehouse, _ = hostile_run
    shown = run_jsm("table", "show", "silver/pedidos", "--lakehouse", lakehouse).stdout
    assert "\x1b" not in shown and "\x07" not in shown and not has_raw_control(shown)
    assert "RED \\x1b[31mALERT\\x1b[0m \\x1b]0;owned\\x07BAG" in shown
    as_json = run_jsm("table", "show", "silver/pedidos", "--lakehouse", lakehouse, "--format", "json").stdout
    assert "\x1b" not in as_json and "\\u001b[31m" in as_json
    names = {json.loads(line)["product_name"] for line in as_json.splitlines()}
    assert ESC_NAME in names


def test_table_show_csv_neutralizes_formulas_but_not_numbers(hostile_run):
    lakehouse, _ = hostile_run
    text = run_jsm("table", "show", "silver/pedidos", "--lakehouse", lakehouse, "--format", "csv").stdout
    rows = {r["transaction_no"]: r for r in csv.DictReader(io.StringIO(text))}
    assert rows["581002"]["product_name"] == "'" + FORMULA
    assert rows["C581003"]["product_name"] == "'@SUM(A1)"
    assert rows["C581003"]["quantity"] == "-2" and rows["C581003"]["line_total"] == "-5.00"


def test_api_csv_neutralizes_formulas_but_not_numbers(hostile_run):
    lakehouse, _ = hostile_run
    proc = subprocess.Popen([JSM, "serve", "--lakehouse", str(lakehouse), "--listen", "127.0.0.1:0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://"), proc.stderr.read()
        with urllib.request.urlopen(url + "/api/tables/silver/pedidos?format=csv&limit=100", timeout=30) as response:
            text = response.read().decode()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    rows = {r["transaction_no"]: r for r in csv.DictReader(io.StringIO(text))}
    assert rows["581002"]["product_name"] == "'" + FORMULA
    assert rows["C581003"]["product_name"] == "'@SUM(A1)"
    assert rows["C581003"]["line_total"] == "-5.00" and rows["C581003"]["unit_price"] == "2.50"
    assert not any(r["product_name"].startswith(("=", "+", "-", "@")) for r in rows.values())


def test_a_binary_csv_header_is_not_echoed_raw(tmp_path):
    data = tmp_path / "binary.csv"
    data.write_bytes(b"\x1b[2J\x1b]0;owned\x07\x9b\xff" + HEADER.encode() + b"\n")
    proc = subprocess.run([JSM, "run", "--input", str(data), "--until-drained", "--lakehouse", str(tmp_path / "lh")],
                          capture_output=True, timeout=120)
    assert proc.returncode != 0
    line = next(l for l in proc.stderr.splitlines() if l.startswith(b"jsm: error:") and b"header is" in l)
    assert b"\\x1b[2J\\x1b]0;owned\\x07\\x9b\\xff" in line, line
    assert not any(b < 0x20 or b == 0x7F for b in line) and line.decode("utf-8").isprintable(), line


def test_config_check_escapes_what_it_echoes(tmp_path):
    config = tmp_path / "odd.toml"
    config.write_text('[lakehouse]\nuri = "/tmp/lake\\u001b[2Jhere"\n[kafka]\ntopic = "pedidos"\n')
    proc = run_jsm("config", "check", config)
    assert "\x1b" not in proc.stdout and "/tmp/lake\\x1b[2Jhere" in proc.stdout
