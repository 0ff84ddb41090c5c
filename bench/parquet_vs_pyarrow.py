#!/usr/bin/env python3
"""Parquet encode and decode throughput of our codec against pyarrow's, on the
same data in the same run: the real order file (or synthetic orders shaped like
it) as an 8-column table (strings, a date, a double, a long). For each codec
(none, snappy, zstd) it times pyarrow writing and reading the table in memory
and our writer/reader through build/parquet_tool, and prints MB/s (of the
table's in-memory bytes as pyarrow counts them) and rows/s. Our reader also
decodes pyarrow's file. Figures are printed, never asserted."""

import argparse
import datetime
import io
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

ROOT = pathlib.Path(__file__).resolve().parent.parent
JSM = os.environ.get("JSM_BIN", str(ROOT / "build" / "jsm"))
TOOL = os.environ.get("JSM_PARQUET_TOOL", str(pathlib.Path(JSM).parent / "parquet_tool"))


def load_orders(csv_path, synthetic):
    if csv_path and pathlib.Path(csv_path).exists():
        table = pacsv.read_csv(csv_path, convert_options=pacsv.ConvertOptions(column_types={
            "TransactionNo": pa.string(), "Date": pa.string(), "ProductNo": pa.string(), "ProductName": pa.string(),
            "Price": pa.float64(), "Quantity": pa.int64(), "CustomerNo": pa.string(), "Country": pa.string()}))
        days = [datetime.datetime.strptime(d, "%m/%d/%Y").date() for d in table["Date"].to_pylist()]
        return table.set_column(1, "Date", pa.array(days, pa.date32())), f"{csv_path} ({table.num_rows} rows)"
    rows = synthetic
    return pa.table({
        "TransactionNo": pa.array([str(581000 + i // 20) for i in range(rows)]),
        "Date": pa.array([datetime.date(2019, 1, 1) + datetime.timedelta(days=i % 300) for i in range(rows)]),
        "ProductNo": pa.array([str(20000 + i % 3700) for i in range(rows)]),
        "ProductName": pa.array([f"Product {i % 3700}" for i in range(rows)]),
        "Price": pa.array([5.13 + (i % 6000) / 10 for i in range(rows)], pa.float64()),
        "Quantity": pa.array([1 + i % 24 for i in range(rows)], pa.int64()),
        "CustomerNo": pa.array([str(12000 + i % 4000) for i in range(rows)]),
        "Country": pa.array([["United Kingdom", "France", "EIRE", "Germany"][i % 4] for i in range(rows)]),
    }), f"{rows} synthetic orders"


def median_seconds(fn, repeat):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", help="the order CSV (default: synthetic orders)")
    parser.add_argument("--synthetic", type=int, default=500000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not os.path.exists(TOOL):
        sys.exit(f"{TOOL} is absent: build the parquet_tool target")
    table, what = load_orders(args.input, args.synthetic)
    mb = table.nbytes / 1e6
    print(f"Parquet codec, ours vs pyarrow {pa.__version__}: {what}, {mb:.1f} MB in memory (pyarrow), "
          f"median of {args.repeat}, dictionary on, one row group")
    header = f"{'codec':7s} {'who':8s} {'encode MB/s':>12s} {'rows/s':>12s} {'decode MB/s':>12s} {'rows/s':>12s} {'file MB':>8s}"
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as tmp:
        source = pathlib.Path(tmp) / "input.parquet"
        pq.write_table(table, source, compression="none")
        for codec in ("none", "snappy", "zstd"):
            compression = None if codec == "none" else codec
            sink = io.BytesIO()

            def write():
                sink.seek(0)
                sink.truncate()
                pq.write_table(table, sink, compression=compression, use_dictionary=True,
                               row_group_size=table.num_rows)
            encode = median_seconds(write, args.repeat)
            theirs = sink.getvalue()
            decode = median_seconds(lambda: pq.read_table(pa.BufferReader(theirs)), args.repeat)
            foreign = pathlib.Path(tmp) / f"pyarrow.{codec}.parquet"
            foreign.write_bytes(theirs)
            proc = subprocess.run([TOOL, "roundtrip", str(source), codec, str(args.repeat), str(foreign)],
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                sys.exit(f"parquet_tool failed: {proc.stderr}")
            ours = json.loads(proc.stdout)
            if ours["rows"] != table.num_rows:  # the measured path ran on the same data
                sys.exit(f"parquet_tool read {ours['rows']} rows, pyarrow {table.num_rows}")
            rows = table.num_rows
            print(f"{codec:7s} {'pyarrow':8s} {mb / encode:12.1f} {rows / encode:12,.0f} {mb / decode:12.1f} "
                  f"{rows / decode:12,.0f} {len(theirs) / 1e6:8.1f}")
            print(f"{codec:7s} {'ours':8s} {mb / ours['encode_s']:12.1f} {rows / ours['encode_s']:12,.0f} "
                  f"{mb / ours['decode_s']:12.1f} {rows / ours['decode_s']:12,.0f} {ours['file_bytes'] / 1e6:8.1f}")
            print(f"{codec:7s} {'ours*':8s} {'':>12s} {'':>12s} {mb / ours['decode_foreign_s']:12.1f} "
                  f"{rows / ours['decode_foreign_s']:12,.0f}   (* our reader on pyarrow's file)")


if __name__ == "__main__":
    main()
