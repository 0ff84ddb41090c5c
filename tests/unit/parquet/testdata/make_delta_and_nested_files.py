"""Writes the pyarrow-made Parquet files that delta_encoding_test.cc and
nested_reader_test.cc decode: DELTA_* encoded columns (pages v1 and v2) and
nested struct / list / map columns.

Run from this directory with the project venv:
    ../../../../.venv/bin/python make_delta_and_nested_files.py
The values follow formulas of the row number that the tests repeat; change both together.
"""
import pyarrow as pa
import pyarrow.parquet as pq

DELTA_ROWS = 300
NESTED_ROWS = 50


def delta_table():
    i32, i64, s, p = [], [], [], []
    for i in range(DELTA_ROWS):
        i32.append(None if i % 7 == 0 else (i * i * 37) % 100000 - 50000)
        i64.append(i * i * i * 1234567 - 2 ** 40)
        s.append(None if i % 5 == 0 else "v%d-%s" % (i, "x" * (i % 4)))
        p.append(None if i % 9 == 0 else "prefix/common/%05d" % (i // 3))
    return pa.table({"i32": pa.array(i32, pa.int32()), "i64": pa.array(i64, pa.int64()),
                     "s": pa.array(s, pa.string()), "p": pa.array(p, pa.string())})


def nested_table():
    st, lst, mp, ll = [], [], [], []
    for i in range(NESTED_ROWS):
        st.append(None if i % 4 == 0 else {"a": i, "b": None if i % 3 == 0 else "b%d" % i})
        if i % 5 == 0:
            lst.append(None)
        elif i % 5 == 1:
            lst.append([])
        else:
            lst.append([None if (j == 1 and i % 2 == 0) else "e%d_%d" % (i, j) for j in range(i % 4)])
        mp.append(None if i % 6 == 0 else [("k%d" % j, None if j == 2 else "v%d" % (i + j)) for j in range(i % 4)])
        ll.append(None if i % 7 == 0 else [[i + j + k for k in range(j)] for j in range(i % 3)])
    return pa.table({
        "st": pa.array(st, pa.struct([("a", pa.int64()), ("b", pa.string())])),
        "l": pa.array(lst, pa.list_(pa.string())),
        "m": pa.array(mp, pa.map_(pa.string(), pa.string())),
        "ll": pa.array(ll, pa.list_(pa.list_(pa.int32()))),
    })


def main():
    t = delta_table()
    encodings = {"i32": "DELTA_BINARY_PACKED", "i64": "DELTA_BINARY_PACKED", "s": "DELTA_LENGTH_BYTE_ARRAY",
                 "p": "DELTA_BYTE_ARRAY"}
    pq.write_table(t, "pyarrow_delta_v1.parquet", use_dictionary=False, column_encoding=encodings,
                   compression="none", max_rows_per_page=128)
    pq.write_table(t, "pyarrow_delta_v2.parquet", use_dictionary=False, column_encoding=encodings,
                   compression="snappy", data_page_version="2.0", row_group_size=200)
    pq.write_table(nested_table(), "pyarrow_nested.parquet", compression="snappy", row_group_size=32)


if __name__ == "__main__":
    main()
