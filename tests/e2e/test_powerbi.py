"""bi/powerbi/*.pq stays in sync with gold: every gold table documented in docs/gold.md
has a Power Query file whose typed columns are exactly the table's documented columns,
each with the Power BI type that docs/gold.md's type maps to; and the same files match
the schemas of the gold tables `jsm run` really writes (read with delta-rs)."""

import pathlib
import re

import deltalake
import pyarrow as pa
import pytest

from conftest import JSM, ROOT, run_jsm

PQ_DIR = ROOT / "bi" / "powerbi"
GOLD_MD = ROOT / "docs" / "gold.md"
TABLES_MD = ROOT / "docs" / "tables.md"

# docs/gold.md type -> the Power BI types we accept for it.
DOC_TYPES = {
    "string": {"Text.Type"},
    "long": {"Int64.Type"},
    "int": {"Int64.Type"},
    "date": {"Date.Type"},
    "decimal(18,2)": {"Currency.Type"},
    "decimal(28,2)": {"Currency.Type"},
    "double": {"Percentage.Type", "Number.Type"},
}


def strip_m_comments(text):
    """Removes // line comments and /* */ block comments outside M string literals."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n:
                if text[j] == '"' and j + 1 < n and text[j + 1] == '"':
                    j += 2
                elif text[j] == '"':
                    break
                else:
                    j += 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("//", i):
            i = text.find("\n", i) if "\n" in text[i:] else n
        elif text.startswith("/*", i):
            i = text.index("*/", i) + 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def pq_typed_columns(path):
    """The ordered (column, type) pairs of the file's Table.TransformColumnTypes step."""
    text = strip_m_comments(path.read_text())
    assert text.count("Table.TransformColumnTypes(") == 1, f"{path.name}: expected one Table.TransformColumnTypes"
    assert "DeltaLake.Table(" in text, f"{path.name}: does not read the table with DeltaLake.Table"
    body = text[text.index("Table.TransformColumnTypes("):]
    pairs = re.findall(r'\{\s*"([^"]+)"\s*,\s*([A-Za-z0-9_.]+)\s*\}', body)
    assert pairs, f"{path.name}: no typed columns"
    return pairs


def markdown_rows(section):
    """(column names, type or None) for every row of the first markdown table in a section."""
    rows, started = [], False
    for line in section.splitlines():
        if started and not line.strip().startswith("|"):
            break  # only the first table: later ones (customer_rfm's segment rules) are not columns
        started = started or line.strip().startswith("|")
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.strip().startswith("|") else []
        if len(cells) < 2 or cells[0] in ("column", "---") or set(cells[0]) <= {"-", " "}:
            continue
        kind = cells[1].split(",")[0:2] if cells[1].startswith("decimal") else [cells[1]]
        kind = ",".join(kind).strip().lower() if len(cells) >= 3 else None
        for name in cells[0].split(","):
            rows.append((name.strip(), kind))
    return rows


def sections(markdown):
    """{table name: section text} for the `## gold/<name>` headings of a markdown page."""
    parts = re.split(r"^## gold/(\w+)\s*$", markdown, flags=re.M)
    return {parts[i]: parts[i + 1].split("\n## ")[0] for i in range(1, len(parts), 2)}


def documented_gold():
    """{table: [(column, doc type or None)]} from docs/gold.md (daily_sales: docs/tables.md)."""
    gold = sections(GOLD_MD.read_text())
    tables = {}
    for name, text in gold.items():
        rows = markdown_rows(text)
        if not rows:  # daily_sales: docs/gold.md points to docs/tables.md for its columns
            assert "docs/tables.md" in text, f"gold/{name} has no column table in docs/gold.md"
            text = sections(TABLES_MD.read_text())[name]
            keys = re.search(r"Per ((?:`\w+`(?:, | and )?)+)", text)
            rows = [(k, None) for k in re.findall(r"`(\w+)`", keys.group(1))] + markdown_rows(text)
        tables[name] = rows
    return tables


def test_docs_list_the_five_gold_tables():
    assert set(documented_gold()) == {"daily_sales", "product_performance", "country_summary",
                                      "customer_rfm", "monthly_kpis"}


@pytest.mark.parametrize("table", sorted(documented_gold()))
def test_pq_columns_equal_docs(table):
    path = PQ_DIR / f"{table}.pq"
    assert path.exists(), f"no Power Query file for gold/{table}: {path}"
    typed = pq_typed_columns(path)
    documented = documented_gold()[table]
    assert [c for c, _ in typed] == [c for c, _ in documented], f"{path.name} columns differ from the docs"
    for (column, m_type), (_, doc_type) in zip(typed, documented):
        if doc_type is not None:
            assert doc_type in DOC_TYPES, f"gold/{table}.{column}: unknown documented type {doc_type!r}"
            assert m_type in DOC_TYPES[doc_type], f"gold/{table}.{column}: {m_type} for {doc_type}"


def test_every_pq_names_a_gold_table_or_parameter():
    names = {p.stem for p in PQ_DIR.glob("*.pq")}
    assert names == set(documented_gold()) | {"LakehouseLocation", "LakehouseKind"}
    for stem in ("LakehouseLocation", "LakehouseKind"):
        assert "IsParameterQuery = true" in (PQ_DIR / f"{stem}.pq").read_text()


def arrow_to_m(arrow_type):
    if pa.types.is_decimal(arrow_type):
        return {"Currency.Type"}
    if pa.types.is_date(arrow_type):
        return {"Date.Type"}
    if pa.types.is_integer(arrow_type):
        return {"Int64.Type"}
    if pa.types.is_floating(arrow_type):
        return {"Percentage.Type", "Number.Type"}
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return {"Text.Type"}
    raise AssertionError(f"unmapped arrow type {arrow_type}")


@pytest.fixture(scope="module")
def written_gold(tmp_path_factory):
    if not pathlib.Path(JSM).exists():
        pytest.skip(f"jsm binary {JSM} is absent (build it or set JSM_BIN)")
    path = tmp_path_factory.mktemp("powerbi") / "lakehouse"
    run_jsm("run", "--synthetic", 3000, "--until-drained", "--lakehouse", path, timeout=600)
    return path


@pytest.mark.parametrize("table", sorted(documented_gold()))
def test_pq_types_match_written_gold_schema(written_gold, table):
    schema = deltalake.DeltaTable(str(written_gold / "gold" / table)).to_pyarrow_table().schema
    typed = pq_typed_columns(PQ_DIR / f"{table}.pq")
    assert [c for c, _ in typed] == schema.names
    for column, m_type in typed:
        assert m_type in arrow_to_m(schema.field(column).type), f"gold/{table}.{column}: {m_type} vs {schema.field(column).type}"
