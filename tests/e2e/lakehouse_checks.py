"""Checks of a local lakehouse against the order file it was fed, read with delta-rs (not our reader)."""
import collections

import deltalake

from e2e import order_reference


def assert_ingested_once_and_refined_exactly(lakehouse, csv_path, lines):
    """Bronze holds `lines` messages, none twice (by partition and offset); silver holds exactly
    the file's distinct orders (the reference model's)."""
    bronze = deltalake.DeltaTable(str(lakehouse / "bronze" / "pedidos")).to_pyarrow_table()
    assert bronze.num_rows == lines
    coords = set(zip(bronze["partition"].to_pylist(), bronze["offset"].to_pylist()))
    assert len(coords) == lines, "a message was ingested twice"
    silver = deltalake.DeltaTable(str(lakehouse / "silver" / "pedidos")).to_pyarrow_table()
    assert collections.Counter(order_reference.silver_rows(silver)[0]) == \
        collections.Counter(order_reference.distinct_rows(csv_path))
