"""Damaged files are refused, never read as other values (issue 13, items 6 and 7).

Synthetic orders go through the pipeline; then single bytes are flipped at 40 positions inside the data
pages (the bytes after a page header, located from pyarrow's footer metadata and the page headers) of a
bronze and a silver file. Every read of the damaged file must fail with a corruption error naming it:
`jsm table show`, the stage that reads it (refine rebuilding silver from bronze, aggregate refreshing gold
from silver), and pyarrow with page checksum verification. pyarrow also reads every file we wrote with
verification on, checkpoints included. A commit file emptied or cut mid-line makes `jsm table describe`
fail, naming it."""

import json
import pathlib
import random
import shutil

import deltalake
import pyarrow.parquet as pq
import pytest

from conftest import Broker, run_jsm
from e2e import parquet_pages

FLIPS = 40
# The silver columns the aggregate stage reads (pipeline/gold_aggregator.cc, GoldInputColumns): a flip in another
# column is never decoded by it.
GOLD_INPUT = {"transaction_no", "is_cancellation", "order_date", "product_no", "product_name", "quantity", "line_total",
              "customer_no", "country", "country_code"}
TABLES = ("bronze/pedidos", "silver/pedidos", "silver/pedidos_quarantine", "gold/daily_sales", "_system/event_log")


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    lakehouse = tmp_path_factory.mktemp("flipped") / "lakehouse"
    run_jsm("--log-level", "warn", "run", "--synthetic", 20000, "--until-drained", "--lakehouse", lakehouse)
    return lakehouse


@pytest.fixture(scope="module")
def bootstrap():
    """A broker outliving each `jsm run --stage` (dead letters of a rebuild would go to it)."""
    b = Broker()
    yield b.bootstrap
    b.stop()


def data_files(lakehouse, table):
    return [pathlib.Path(uri) for uri in deltalake.DeltaTable(str(pathlib.Path(lakehouse) / table)).file_uris()]


def largest_file(lakehouse, table):
    return max(data_files(lakehouse, table), key=lambda p: p.stat().st_size)


def show(lakehouse, table):
    return run_jsm("table", "show", table, "--lakehouse", lakehouse, "--limit", 0, "--format", "json", check=False)


def read_through_stage(lakehouse, bootstrap, table):
    """The pipeline stage that reads `table` whole: refine rebuilding silver from all of bronze, or aggregate
    recomputing gold from all of silver. Neither commits anything when it fails."""
    if table == "bronze/pedidos":
        version = deltalake.DeltaTable(str(pathlib.Path(lakehouse) / table)).version()
        return run_jsm("--log-level", "warn", "run", "--lakehouse", lakehouse, "--bootstrap", bootstrap, "--stage", "refine",
                       "--from-bronze-version", version, "--available-now", check=False)
    return run_jsm("--log-level", "warn", "run", "--lakehouse", lakehouse, "--bootstrap", bootstrap, "--stage", "aggregate",
                   "--full-refresh", "--available-now", check=False)


def assert_refused(proc, path, what):
    assert proc.returncode != 0, f"{what}: exit 0 on a damaged file\n{proc.stdout[-2000:]}"
    assert "corruption" in proc.stderr and path.name in proc.stderr, f"{what}: {proc.stderr[-2000:]}"


def test_pyarrow_verifies_the_page_checksums_of_every_file_we_write(lake, tmp_path):
    for table in TABLES:
        for path in data_files(lake, table):
            data = path.read_bytes()
            pages = parquet_pages.pages(path)
            assert pages and all(p.crc is not None and p.crc_matches(data) for p in pages), path
            pq.ParquetFile(path, page_checksum_verification=True).read()
            pq.read_table(path, page_checksum_verification=True)
    # Checkpoints are written by our nested writer: their pages carry checksums too (on a copy: the other tests
    # damage commit files that a checkpoint would cover).
    copy = tmp_path / "lakehouse"
    shutil.copytree(lake, copy)
    for table in ("bronze/pedidos", "silver/pedidos"):
        run_jsm("table", "checkpoint", table, "--lakehouse", copy)
        checkpoints = sorted((copy / table / "_delta_log").glob("*.checkpoint*.parquet"))
        assert checkpoints, table
        for path in checkpoints:
            data = path.read_bytes()
            assert all(p.crc is not None and p.crc_matches(data) for p in parquet_pages.pages(path)), path
            assert pq.read_table(path, page_checksum_verification=True).num_rows > 0
    # pyarrow really checks them: one flipped data byte makes it refuse the file.
    path = largest_file(lake, "silver/pedidos")
    page = next(p for p in parquet_pages.pages(path) if p.type == "DATA_PAGE")
    damaged = bytearray(path.read_bytes())
    damaged[page.data_offset + page.size // 2] ^= 0xFF
    damaged_file = tmp_path / path.name
    damaged_file.write_bytes(bytes(damaged))
    with pytest.raises(OSError, match="CRC"):
        pq.read_table(damaged_file, page_checksum_verification=True)


def flip_positions(path, count, seed):
    """`count` byte positions spread over the data bytes of the file's data pages (not headers)."""
    pages = [p for p in parquet_pages.pages(path) if p.type.startswith("DATA_PAGE") and p.size > 0]
    positions = [(p, offset) for p in pages for offset in range(p.data_offset, p.data_offset + p.size)]
    chosen = random.Random(seed).sample(positions, count)
    return sorted(chosen, key=lambda c: c[1])


@pytest.mark.parametrize("table", ["bronze/pedidos", "silver/pedidos"])
def test_a_flipped_byte_in_a_data_page_is_refused_by_every_reader(lake, bootstrap, tmp_path, table):
    path = largest_file(lake, table)
    original = path.read_bytes()
    before = show(lake, table)
    assert before.returncode == 0, before.stderr
    # Damage the largest file of a copy of the lakehouse, so a stage that fails leaves the fixture alone.
    copy = tmp_path / "lakehouse"
    shutil.copytree(lake, copy)
    target = copy / path.relative_to(lake)
    mask_random = random.Random(13)
    columns = set()
    stage_reads = 0
    for page, offset in flip_positions(path, FLIPS, seed=len(table)):
        damaged = bytearray(original)
        damaged[offset] ^= mask_random.randrange(1, 256)
        target.write_bytes(bytes(damaged))
        what = f"{table} {path.name}: byte {offset} in row group {page.row_group}, column {page.column}, page {page.index}"
        shown = show(copy, table)
        assert_refused(shown, path, "jsm table show, " + what)
        assert "page checksum mismatch" in shown.stderr, what
        assert f"row group {page.row_group}, column '{page.column}', page {page.index} " in shown.stderr, \
            f"{what}: {shown.stderr[-1000:]}"
        with pytest.raises(OSError):
            pq.read_table(target, page_checksum_verification=True)
        if table == "bronze/pedidos" or page.column in GOLD_INPUT:
            assert_refused(read_through_stage(copy, bootstrap, table), path, "the stage reading it, " + what)
            stage_reads += 1
        columns.add(page.column)
    assert len(columns) > 1 and stage_reads >= 10, (columns, stage_reads)
    target.write_bytes(original)
    after = show(copy, table)
    assert after.returncode == 0 and after.stdout == before.stdout


def test_an_empty_or_truncated_commit_file_makes_describe_fail_naming_it(lake, tmp_path):
    copy = tmp_path / "lakehouse"
    shutil.copytree(lake, copy)
    log = copy / "silver" / "pedidos" / "_delta_log"
    commit = log / f"{1:020d}.json"
    original = commit.read_bytes()
    first_line = original.split(b"\n")[0]
    assert json.loads(first_line)
    for damaged, what in [(b"", "is empty (0 bytes)"), (b" \n\n", "holds only whitespace"),
                          (first_line[:len(first_line) // 2], "line 1")]:
        commit.write_bytes(damaged)
        described = run_jsm("table", "describe", "silver/pedidos", "--lakehouse", copy, check=False)
        assert described.returncode == 1, described.stdout
        assert "corruption" in described.stderr and commit.name in described.stderr and what in described.stderr, \
            described.stderr
    commit.write_bytes(original.rstrip(b"\n"))  # complete JSON without the final newline is fine
    assert run_jsm("table", "describe", "silver/pedidos", "--lakehouse", copy).returncode == 0
