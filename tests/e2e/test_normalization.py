"""Normalization as data end to end (docs/normalization.md): orders in EUR, USD,
CHF and GBP are converted to GBP with the rate of their order date — silver and
gold equal a Python decimal computation — an unknown currency and a date without
a rate land in silver/pedidos_quarantine with their reason, a product-name
override given through a user config renames a product in silver and gold, the
most frequent spelling names the others and survives a restart, and `jsm config
check` points at a bad row of a data file."""

import collections
import datetime
import decimal
import pathlib

import deltalake

from conftest import reconciliation, run_jsm

HEADER = "TransactionNo,Date,ProductNo,ProductName,Price,Quantity,CustomerNo,Country,Currency\n"

RATES = """# test rates
currency,valid_from,rate_to_gbp
EUR,2019-01-01,0.8563
EUR,2019-12-09,0.8421
USD,2019-01-01,0.7713
CHF,2019-01-01,0.5
"""

OVERRIDES = "product_no,product_name\n23235,Vintage Leaf Storage Tin\n"

FIRST = [
    # Four lines of one transaction (one key, one partition: their order is kept).
    "600001,12/8/2019,22485,Wooden Crates,21.47,12,17490,France,EUR",
    "600001,12/8/2019,22485,Wooden  Crates,10.05,3,17490,France,EUR",
    "600001,12/8/2019,22485,Wooden Crates,3.33,5,17490,France,eur",
    "600001,12/8/2019,22485,Wooden Crate,7.77,1,17490,France,EUR",
    "600002,12/9/2019,22485,Wooden Crates,21.47,2,17490,France,EUR",  # the new EUR rate starts this day
    "600003,12/9/2019,23235,Storage Tin Vintage Leaf,11.53,12,13069,United States,USD",
    "600004,12/9/2019,23235,Storage Tin Vintage Leaf,0.15,7,13069,United Kingdom,",
    "600005,12/9/2019,23272,Tree T-Light Holder,1.99,4,13069,United Kingdom,GBP",
    "600006,12/9/2019,23272,Tree T-Light Holder,5.00,1,13069,Japan,XYZ",
    "600007,1/1/2001,23272,Tree T-Light Holder,5.00,1,13069,France,EUR",
    "C600008,12/9/2019,22485,Wooden Crates,21.47,-2,17490,France,EUR",
    "600009,12/9/2019,23272,Tree T-Light Holder,0.05,10,13069,Switzerland,CHF",  # 0.025 -> 0.03
]
SECOND = ["600010,12/9/2019,22485,Wooden Crate,1.00,1,17490,France,"]

CENT = decimal.Decimal("0.01")


def rate_on(currency, day):
    """The rate of RATES with the latest valid_from <= day, or None."""
    best = None
    for line in RATES.splitlines():
        if not line or line.startswith("#") or line.startswith("currency,"):
            continue
        code, valid_from, rate = line.split(",")
        if code == currency and datetime.date.fromisoformat(valid_from) <= day and \
                (best is None or datetime.date.fromisoformat(valid_from) > best[0]):
            best = (datetime.date.fromisoformat(valid_from), decimal.Decimal(rate))
    return None if best is None else best[1]


def expected_lines(lines):
    """(transaction, day, product_no, unit_price GBP, quantity, currency, original price) or a quarantine reason."""
    out = []
    for line in lines:
        no, date, product, _name, price, quantity, _customer, country, currency = line.split(",")
        month, day, year = map(int, date.split("/"))
        day = datetime.date(year, month, day)
        original = decimal.Decimal(price).quantize(CENT, rounding=decimal.ROUND_HALF_UP)
        currency = currency.strip().upper()
        if currency in ("", "GBP"):
            out.append((no, day, product, original, int(quantity), country, None, None))
            continue
        rate = rate_on(currency, day)
        if rate is None:
            known = any(l.startswith(currency + ",") for l in RATES.splitlines())
            out.append(("quarantine", no, "no_currency_rate" if known else "unknown_currency"))
            continue
        gbp = (original * rate).quantize(CENT, rounding=decimal.ROUND_HALF_UP)
        out.append((no, day, product, gbp, int(quantity), country, currency, original))
    return out


def table(lakehouse, name):
    return deltalake.DeltaTable(str(pathlib.Path(lakehouse) / name)).to_pyarrow_table().to_pylist()


def test_currencies_quarantine_and_product_names(broker, tmp_path):
    (tmp_path / "rates.csv").write_text(RATES)
    (tmp_path / "overrides.csv").write_text(OVERRIDES)
    config = tmp_path / "user.toml"
    config.write_text('[normalization]\ncurrencies = "rates.csv"\nproduct_name_overrides = "overrides.csv"\n')
    assert "ok" in run_jsm("config", "check", config).stdout
    orders = tmp_path / "orders.csv"
    orders.write_text(HEADER + "\n".join(FIRST) + "\n")
    lakehouse = tmp_path / "lakehouse"

    run_jsm("produce", "--bootstrap", broker.bootstrap, "--input", orders)
    run_jsm("run", "--config", config, "--bootstrap", broker.bootstrap, "--lakehouse", lakehouse, "--available-now")
    expected = expected_lines(FIRST)
    quarantined = {e[1]: e[2] for e in expected if e[0] == "quarantine"}
    converted = [e for e in expected if e[0] != "quarantine"]
    assert len(quarantined) == 2
    assert len(table(lakehouse, "silver/pedidos")) == len(converted)

    # Silver: GBP prices and line totals equal the decimal computation; the originals are kept.
    silver = {(r["transaction_no"], r["unit_price"] if r["currency"] is None else r["original_unit_price"],
               r["quantity"]): r for r in table(lakehouse, "silver/pedidos")}
    for no, day, product, gbp, quantity, _country, currency, original in converted:
        row = silver[(no, original if currency else gbp, quantity)]
        assert row["order_date"] == day and row["product_no"] == product
        assert row["unit_price"] == gbp, (no, row["unit_price"], gbp)
        assert row["line_total"] == gbp * quantity
        assert row["currency"] == currency
        assert row["original_unit_price"] == original
    assert silver[("600009", decimal.Decimal("0.05"), 10)]["unit_price"] == decimal.Decimal("0.03")  # half away

    # Quarantine: the two orders that cannot be converted, with their reason, never in silver.
    quarantine = {r["transaction_no"]: r for r in table(lakehouse, "silver/pedidos_quarantine")}
    assert {no: r["broken_rules"] for no, r in quarantine.items()} == quarantined
    assert all(r["unit_price"] is None for r in quarantine.values())
    assert not {r["transaction_no"] for r in silver.values()} & set(quarantined)

    # Product names: the override, and the most frequent spelling so far (the raw one kept when it differs).
    names = collections.defaultdict(set)
    for r in silver.values():
        names[r["product_no"]].add((r["product_name"], r["product_name_raw"]))
    assert names["23235"] == {("Vintage Leaf Storage Tin", "Storage Tin Vintage Leaf")}
    assert names["22485"] == {("Wooden Crates", None), ("Wooden Crates", "Wooden Crate")}
    assert names["23272"] == {("Tree T-Light Holder", None)}

    # Gold: revenue per day and country from the converted prices; the product's name.
    gross = collections.defaultdict(decimal.Decimal)
    for no, day, _product, gbp, quantity, country, _currency, _original in converted:
        if not no.startswith("C"):
            gross[(day, country)] += gbp * quantity
    daily = {(r["order_date"], r["country"]): r["gross_revenue"] for r in table(lakehouse, "gold/daily_sales")}
    assert daily == dict(gross)
    products = {r["product_no"]: r["product_name"] for r in table(lakehouse, "gold/product_performance")}
    assert products["23235"] == "Vintage Leaf Storage Tin"
    assert products["22485"] == "Wooden Crates"

    # A restart rebuilds the spelling counts from silver: one more "Wooden Crate" is still outvoted.
    more = tmp_path / "more.csv"
    more.write_text(HEADER + "\n".join(SECOND) + "\n")
    run_jsm("produce", "--bootstrap", broker.bootstrap, "--input", more)
    run_jsm("run", "--config", config, "--bootstrap", broker.bootstrap, "--lakehouse", lakehouse, "--available-now")
    latest = [r for r in table(lakehouse, "silver/pedidos") if r["transaction_no"] == "600010"]
    assert [(r["product_name"], r["product_name_raw"]) for r in latest] == [("Wooden Crates", "Wooden Crate")]


def test_without_the_user_config_the_built_in_tables_apply(tmp_path):
    orders = tmp_path / "orders.csv"
    orders.write_text(HEADER + "\n".join(FIRST[5:7]) + "\n")
    lakehouse = tmp_path / "lakehouse"
    books = reconciliation(run_jsm("run", "--input", orders, "--until-drained", "--lakehouse", lakehouse).stdout)
    assert books["silver rows"] == 2 and books["quarantined"] == 0
    silver = {r["transaction_no"]: r for r in table(lakehouse, "silver/pedidos")}
    assert silver["600003"]["product_name"] == "Storage Tin Vintage Leaf"  # no override built in
    assert silver["600003"]["currency"] == "USD"
    assert silver["600003"]["unit_price"] != silver["600003"]["original_unit_price"]
    assert silver["600004"]["currency"] is None


def test_config_check_points_at_a_bad_row_of_a_data_file(tmp_path):
    (tmp_path / "rates.csv").write_text("currency,valid_from,rate_to_gbp\nEUR,2019-01-01,0.85\nUSD,2019-01-01,-1\n")
    (tmp_path / "formats.txt").write_text("# formats\nM/D/YYYY\nDD-MMM-YYYY\n")
    config = tmp_path / "bad.toml"
    config.write_text('[normalization]\ncurrencies = "rates.csv"\n')
    proc = run_jsm("config", "check", config, check=False)
    assert proc.returncode == 2
    assert f"{tmp_path / 'rates.csv'}:3: rate_to_gbp '-1' is not a positive decimal" in proc.stderr
    config.write_text('[normalization]\ndate_formats = "formats.txt"\n')
    proc = run_jsm("config", "check", config, check=False)
    assert proc.returncode == 2
    assert f"{tmp_path / 'formats.txt'}:3: unknown date-format token" in proc.stderr
