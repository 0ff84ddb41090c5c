"""Writes the pyarrow-made Parquet files that reader_test.cc decodes.

Run from this directory with the project venv:
    ../../../../.venv/bin/python make_pyarrow_files.py
The values follow formulas of the row number that reader_test.cc repeats
(ExpectedPyarrowRow); change both together.
"""
import datetime
import decimal

import pyarrow as pa
import pyarrow.parquet as pq

ROWS = 100


def column_values():
    epoch = datetime.date(1970, 1, 1)
    utc = datetime.timezone.utc
    base = datetime.datetime(1970, 1, 1, tzinfo=utc)
    cols = {k: [] for k in ["s", "u", "b", "i32", "i64", "d", "dt", "ts", "ts_ms", "dec"]}
    for i in range(ROWS):
        cols["s"].append(None if i % 5 == 0 else "s%d" % (i % 7))
        cols["u"].append("unique-%d-%s" % (i, "x" * (i % 5)))
        cols["b"].append(None if i % 11 == 0 else i % 3 == 0)
        cols["i32"].append(None if i % 13 == 0 else i * 7 - 300)
        cols["i64"].append(i * 1000000007 - 50000000000)
        cols["d"].append(None if i % 17 == 0 else i * 0.5 - 10)
        cols["dt"].append(None if i % 4 == 0 else epoch + datetime.timedelta(days=i * 10))
        cols["ts"].append(None if i % 6 == 0 else base + datetime.timedelta(microseconds=1700000000000000 + i * 1000003))
        cols["ts_ms"].append(None if i % 9 == 0 else base + datetime.timedelta(milliseconds=1700000000000 + i * 1001))
        cols["dec"].append(None if i % 8 == 0 else decimal.Decimal(i * 12345 - 99999).scaleb(-2))
    return cols


def table():
    schema = pa.schema([
        pa.field("s", pa.string()),
        pa.field("u", pa.string(), nullable=False),
        pa.field("b", pa.bool_()),
        pa.field("i32", pa.int32()),
        pa.field("i64", pa.int64(), nullable=False),
        pa.field("d", pa.float64()),
        pa.field("dt", pa.date32()),
        pa.field("ts", pa.timestamp("us", tz="UTC")),
        pa.field("ts_ms", pa.timestamp("ms", tz="UTC")),
        pa.field("dec", pa.decimal128(12, 2)),
    ])
    cols = column_values()
    return pa.table([pa.array(cols[f.name], type=f.type) for f in schema], schema=schema)


def main():
    t = table()
    # Defaults: snappy, dictionary, data page v1, decimal as FIXED_LEN_BYTE_ARRAY.
    # Small pages and dictionary limit force several pages, row groups and a
    # dictionary-to-PLAIN fallback inside a chunk.
    pq.write_table(t, "pyarrow_default.parquet", row_group_size=40, max_rows_per_page=16,
                   dictionary_pagesize_limit=256)
    pq.write_table(t, "pyarrow_v2_zstd.parquet", data_page_version="2.0", compression="zstd",
                   store_decimal_as_integer=True, row_group_size=64)
    pq.write_table(t, "pyarrow_gzip_plain.parquet", compression="gzip", use_dictionary=False)
    pq.write_table(t, "pyarrow_v2_uncompressed_plain.parquet", data_page_version="2.0", compression="none",
                   use_dictionary=False, max_rows_per_page=30)
    # Page checksums (PageHeader.crc) in data pages v1 and v2 and dictionary pages: our reader verifies them.
    pq.write_table(t, "pyarrow_v1_page_checksum.parquet", write_page_checksum=True, max_rows_per_page=16,
                   row_group_size=64)
    pq.write_table(t, "pyarrow_v2_page_checksum.parquet", write_page_checksum=True, data_page_version="2.0",
                   compression="zstd", store_decimal_as_integer=True, max_rows_per_page=30)
    # A legacy INT96 timestamp next to a plain column: only projecting it away works.
    legacy = pa.table({"id": pa.array([1, 2, 3], pa.int64()),
                       "ts": pa.array([datetime.datetime(2024, 1, 1), None, datetime.datetime(2024, 1, 2)],
                                      pa.timestamp("us"))})
    pq.write_table(legacy, "pyarrow_int96.parquet", use_deprecated_int96_timestamps=True)


if __name__ == "__main__":
    main()
