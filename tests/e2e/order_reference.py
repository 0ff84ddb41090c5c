"""An independent model of the pipeline's rules, computed from the CSV with
Python's csv and decimal modules (not our code), for the tests to compare with."""

import collections
import csv
import datetime
import decimal
import re

# The country renames our silver layer makes; every other name is kept as is.
COUNTRY_RENAMES = {
    "EIRE": "Ireland",
    "RSA": "South Africa",
    "USA": "United States",
    "Unspecified": None,
    "Czech Republic": "Czechia",
}


def normalized_rows(path):
    """Yields (transaction_no, date, product_no, product_name, price, quantity, customer, country) per CSV row."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        assert header == ["TransactionNo", "Date", "ProductNo", "ProductName", "Price", "Quantity", "CustomerNo",
                          "Country"], header
        for t, d, p, name, price, qty, cust, country in reader:
            month, day, year = (int(x) for x in d.split("/"))
            cust = cust.strip()
            country = country.strip()
            yield (t.strip(), datetime.date(year, month, day), p.strip().upper(), " ".join(name.split()),
                   decimal.Decimal(price).quantize(decimal.Decimal("0.01"), rounding=decimal.ROUND_HALF_UP),
                   int(qty), None if cust in ("", "NA") else cust, COUNTRY_RENAMES.get(country, country))


def distinct_rows(path):
    """Rows with exact repeats removed, first kept."""
    seen = set()
    out = []
    for row in normalized_rows(path):
        if row not in seen:
            seen.add(row)
            out.append(row)
    return out


def daily_sales(rows):
    """{(date, country): dict(transactions, lines, units, gross, cancelled, net, customers)}."""
    acc = collections.defaultdict(lambda: {"transactions": set(), "customers": set(), "lines": 0, "units": 0,
                                           "gross": decimal.Decimal(0), "cancelled": decimal.Decimal(0)})
    for t, d, p, name, price, qty, cust, country in rows:
        a = acc[(d, country)]
        if t.startswith("C"):
            a["cancelled"] += price * abs(qty)
        else:
            a["gross"] += price * qty
            a["lines"] += 1
            a["units"] += qty
            a["transactions"].add(t)
            if cust is not None:
                a["customers"].add(cust)
    return {k: {"transactions": len(v["transactions"]), "customers": len(v["customers"]), "lines": v["lines"],
                "units": v["units"], "gross": v["gross"], "cancelled": v["cancelled"],
                "net": v["gross"] - v["cancelled"]} for k, v in acc.items()}


_TRANSACTION = re.compile(r"^C?\d+$")
_PRODUCT = re.compile(r"^\d{5}[A-Z]?$")


def breaks_quality_rule(row):
    """True if a row would be quarantined by our default rules."""
    t, d, p, name, price, qty, cust, country = row
    return (not _TRANSACTION.match(t) or qty == 0 or (qty < 0) != t.startswith("C") or price <= 0
            or not _PRODUCT.match(p))
