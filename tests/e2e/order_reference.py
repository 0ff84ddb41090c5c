"""An independent model of the pipeline's rules, computed from the CSV with
Python's csv and decimal modules (not our code), for the tests to compare with."""

import bisect
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


def _sales_totals():
    """Running totals of one group of order lines: daily_sales and country_summary add them alike."""
    return {"tx": set(), "customers": set(), "lines": 0, "units": 0, "gross": decimal.Decimal(0),
            "cancelled": decimal.Decimal(0), "dates": []}


def _add_line(a, t, price, qty, cust):
    """Adds one order line to totals made by _sales_totals: a cancellation counts only its value."""
    if t.startswith("C"):
        a["cancelled"] += price * abs(qty)
    else:
        a["gross"] += price * qty
        a["lines"] += 1
        a["units"] += qty
        a["tx"].add(t)
        if cust is not None:
            a["customers"].add(cust)


def daily_sales(rows):
    """{(date, country): dict(transactions, lines, units, gross, cancelled, net, customers)}."""
    acc = collections.defaultdict(_sales_totals)
    for t, d, p, name, price, qty, cust, country in rows:
        _add_line(acc[(d, country)], t, price, qty, cust)
    return {k: {"transactions": len(v["tx"]), "customers": len(v["customers"]), "lines": v["lines"],
                "units": v["units"], "gross": v["gross"], "cancelled": v["cancelled"],
                "net": v["gross"] - v["cancelled"]} for k, v in acc.items()}


_TRANSACTION = re.compile(r"^C?\d+$")
_PRODUCT = re.compile(r"^\d{5}[A-Z]?$")


def breaks_quality_rule(row):
    """True if a row would be quarantined by our default rules."""
    t, d, p, name, price, qty, cust, country = row
    return (not _TRANSACTION.match(t) or qty == 0 or (qty < 0) != t.startswith("C") or price <= 0
            or not _PRODUCT.match(p))


# ---- Gold tables recomputed from silver rows (docs/gold.md), with decimal arithmetic. ----
# `rows` are (transaction_no, order_date, product_no, product_name, unit_price, quantity, customer_no, country)
# tuples, as normalized_rows yields them or silver_rows reads them back from silver/pedidos.

CENT = decimal.Decimal("0.01")


def silver_rows(silver):
    """The rows of a pyarrow silver/pedidos table as tuples, and {country: country_code}."""
    cols = [silver[name].to_pylist() for name in ("transaction_no", "order_date", "product_no", "product_name",
                                                  "unit_price", "quantity", "customer_no", "country")]
    codes = {}
    for country, code in zip(silver["country"].to_pylist(), silver["country_code"].to_pylist()):
        if code is not None:
            codes.setdefault(country, code)
    return list(zip(*cols)), codes


def _rate(part, other):
    return part / (part + other)


def product_performance(rows):
    """{product_no: dict of the gold/product_performance columns}."""
    acc = collections.defaultdict(lambda: {"names": collections.Counter(), "tx": set(), "ctx": set(), "units_sold": 0,
                                           "units_cancelled": 0, "gross": decimal.Decimal(0),
                                           "cancelled": decimal.Decimal(0), "cancellation_lines": 0})
    for t, d, p, name, price, qty, cust, country in rows:
        a = acc[p]
        a["names"][name] += 1
        if t.startswith("C"):
            a["cancelled"] += price * abs(qty)
            a["units_cancelled"] += abs(qty)
            a["cancellation_lines"] += 1
            a["ctx"].add(t)
        else:
            a["gross"] += price * qty
            a["units_sold"] += qty
            a["tx"].add(t)
    out = {}
    for p, a in acc.items():
        name = min(a["names"].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        out[p] = {"product_name": name, "transactions": len(a["tx"]), "units_sold": a["units_sold"],
                  "units_cancelled": a["units_cancelled"], "gross_revenue": a["gross"],
                  "cancelled_revenue": a["cancelled"], "net_revenue": a["gross"] - a["cancelled"],
                  "cancellation_lines": a["cancellation_lines"], "cancellations": len(a["ctx"]),
                  "cancellation_rate": _rate(len(a["ctx"]), len(a["tx"]))}
    for rank, p in enumerate(sorted(out, key=lambda p: (-out[p]["net_revenue"], p)), start=1):
        out[p]["revenue_rank"] = rank
    return out


def country_summary(rows, codes):
    """{country: dict of the gold/country_summary columns}."""
    acc = collections.defaultdict(_sales_totals)
    for t, d, p, name, price, qty, cust, country in rows:
        acc[country]["dates"].append(d)
        _add_line(acc[country], t, price, qty, cust)
    return {c: {"country_code": codes.get(c), "transactions": len(a["tx"]), "customers": len(a["customers"]),
                "lines": a["lines"], "units": a["units"], "gross_revenue": a["gross"],
                "cancelled_revenue": a["cancelled"], "net_revenue": a["gross"] - a["cancelled"],
                "first_order_date": min(a["dates"]), "last_order_date": max(a["dates"])} for c, a in acc.items()}


def quintile_scores(values):
    """1 + floor(5 × (number of values strictly below) / n): ties share a score (docs/gold.md)."""
    ordered = sorted(values)
    return [1 + (5 * bisect.bisect_left(ordered, v)) // len(values) for v in values]


def rfm_segment(r, f, m):
    """The segment rules of docs/gold.md, first match wins."""
    if r >= 4 and f >= 4 and m >= 4:
        return "Champions"
    if r >= 3 and f >= 3:
        return "Loyal"
    if r >= 4:
        return "New"
    if r == 3:
        return "Needs Attention"
    if f >= 3:
        return "At Risk"
    if r == 2:
        return "Hibernating"
    return "Lost"


def customer_rfm(rows):
    """{customer_no: dict of the gold/customer_rfm columns}."""
    reference = max(d for _, d, *_ in rows)
    acc = collections.defaultdict(lambda: {"tx": set(), "dates": [], "gross": decimal.Decimal(0),
                                           "cancelled": decimal.Decimal(0)})
    for t, d, p, name, price, qty, cust, country in rows:
        if cust is None:
            continue
        a = acc[cust]
        if t.startswith("C"):
            a["cancelled"] += price * abs(qty)
        else:
            a["gross"] += price * qty
            a["tx"].add(t)
            a["dates"].append(d)
    customers = sorted(c for c, a in acc.items() if a["tx"])
    out = {}
    for c in customers:
        a = acc[c]
        out[c] = {"first_order_date": min(a["dates"]), "last_order_date": max(a["dates"]), "reference_date": reference,
                  "recency_days": (reference - max(a["dates"])).days, "frequency": len(a["tx"]),
                  "monetary": a["gross"] - a["cancelled"]}
    if not customers:
        return out
    r = quintile_scores([-out[c]["recency_days"] for c in customers])
    f = quintile_scores([out[c]["frequency"] for c in customers])
    m = quintile_scores([out[c]["monetary"] for c in customers])
    for i, c in enumerate(customers):
        out[c].update(r_score=r[i], f_score=f[i], m_score=m[i], rfm_score=100 * r[i] + 10 * f[i] + m[i],
                      segment=rfm_segment(r[i], f[i], m[i]))
    return out


def monthly_kpis(rows):
    """{first day of month: dict of the gold/monthly_kpis columns}."""
    acc = collections.defaultdict(lambda: {"tx": set(), "ctx": set(), "customers": set(), "lines": 0,
                                           "cancellation_lines": 0, "units": 0, "gross": decimal.Decimal(0),
                                           "cancelled": decimal.Decimal(0)})
    first_purchase = {}
    for t, d, p, name, price, qty, cust, country in rows:
        a = acc[d.replace(day=1)]
        if t.startswith("C"):
            a["cancelled"] += price * abs(qty)
            a["cancellation_lines"] += 1
            a["ctx"].add(t)
        else:
            a["gross"] += price * qty
            a["lines"] += 1
            a["units"] += qty
            a["tx"].add(t)
            if cust is not None:
                a["customers"].add(cust)
                first_purchase[cust] = min(first_purchase.get(cust, d), d)
    new = collections.Counter(d.replace(day=1) for d in first_purchase.values())
    out = {}
    for month, a in acc.items():
        orders = len(a["tx"])
        aov = (a["gross"] / orders).quantize(CENT, rounding=decimal.ROUND_HALF_UP) if orders else None
        out[month] = {"orders": orders, "lines": a["lines"], "units": a["units"], "gross_revenue": a["gross"],
                      "cancelled_revenue": a["cancelled"], "net_revenue": a["gross"] - a["cancelled"],
                      "average_order_value": aov, "customers": len(a["customers"]), "new_customers": new[month],
                      "returning_customers": len(a["customers"]) - new[month], "cancellations": len(a["ctx"]),
                      "cancellation_lines": a["cancellation_lines"],
                      "cancellation_rate": _rate(len(a["ctx"]), orders)}
    return out
