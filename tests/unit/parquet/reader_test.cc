#include "parquet/reader.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <random>
#include <set>
#include <string>

#include "parquet/writer.h"
#include "unit/parquet/test_batches.h"

namespace jsm::parquet {
namespace {

using testing::AllTypesBatch;
using testing::ExpectBatchesEqual;
using testing::ReadWholeFile;
using testing::TestdataPath;

/// The contents of testdata/`name`, or a skip when it is absent.
#define LOAD_TESTDATA_OR_SKIP(var, name)               \
  std::string var = ReadWholeFile(TestdataPath(name)); \
  if (var.empty()) GTEST_SKIP() << "testdata file " << TestdataPath(name) << " is missing"

/// The table make_pyarrow_files.py writes: 100 rows, values by formula of the row.
RecordBatch ExpectedPyarrowTable() {
  Schema schema{{Field{"s", DataType::kString, true}, Field{"u", DataType::kString, false},
                 Field{"b", DataType::kBoolean, true}, Field{"i32", DataType::kInt32, true},
                 Field{"i64", DataType::kInt64, false}, Field{"d", DataType::kDouble, true},
                 Field{"dt", DataType::kDate, true}, Field{"ts", DataType::kTimestamp, true},
                 Field{"ts_ms", DataType::kTimestamp, true}, Field{"dec", DataType::kDecimal, true, 12, 2}}};
  RecordBatch batch(schema);
  for (int64_t i = 0; i < 100; ++i) {
    if (i % 5 == 0)
      batch.column(0).AppendNull();
    else
      batch.column(0).AppendString("s" + std::to_string(i % 7));
    batch.column(1).AppendString("unique-" + std::to_string(i) + "-" +
                                 std::string(static_cast<size_t>(i % 5), 'x'));
    if (i % 11 == 0)
      batch.column(2).AppendNull();
    else
      batch.column(2).AppendInt(i % 3 == 0);
    if (i % 13 == 0)
      batch.column(3).AppendNull();
    else
      batch.column(3).AppendInt(i * 7 - 300);
    batch.column(4).AppendInt(i * 1000000007LL - 50000000000LL);
    if (i % 17 == 0)
      batch.column(5).AppendNull();
    else
      batch.column(5).AppendDouble(static_cast<double>(i) * 0.5 - 10);
    if (i % 4 == 0)
      batch.column(6).AppendNull();
    else
      batch.column(6).AppendInt(i * 10);
    if (i % 6 == 0)
      batch.column(7).AppendNull();
    else
      batch.column(7).AppendInt(1700000000000000LL + i * 1000003LL);
    if (i % 9 == 0)
      batch.column(8).AppendNull();
    else
      batch.column(8).AppendInt((1700000000000LL + i * 1001) * 1000);
    if (i % 8 == 0)
      batch.column(9).AppendNull();
    else
      batch.column(9).AppendInt(i * 12345 - 99999);
  }
  return batch;
}

class PyarrowFile : public ::testing::TestWithParam<const char*> {};

TEST_P(PyarrowFile, DecodesToTheValuesPyarrowWrote) {
  LOAD_TESTDATA_OR_SKIP(file, GetParam());
  auto batch = ReadParquet(file, {}, GetParam());
  ASSERT_TRUE(batch) << batch.error().ToString();
  ExpectBatchesEqual(ExpectedPyarrowTable(), *batch);
}

TEST_P(PyarrowFile, SchemaMapsBackToOurTypes) {
  LOAD_TESTDATA_OR_SKIP(file, GetParam());
  auto schema = ReadParquetSchema(file, GetParam());
  ASSERT_TRUE(schema) << schema.error().ToString();
  EXPECT_EQ(*schema, ExpectedPyarrowTable().schema());
}

// Defaults (snappy, dictionary with fallback, v1 pages, FIXED_LEN_BYTE_ARRAY
// decimals, several row groups); v2 pages with zstd and INT64 decimals; gzip
// without dictionary; uncompressed v2 pages with RLE booleans.
INSTANTIATE_TEST_SUITE_P(Flavours, PyarrowFile,
                         ::testing::Values("pyarrow_default.parquet", "pyarrow_v2_zstd.parquet",
                                           "pyarrow_gzip_plain.parquet",
                                           "pyarrow_v2_uncompressed_plain.parquet",
                                           "pyarrow_v1_page_checksum.parquet",
                                           "pyarrow_v2_page_checksum.parquet"));

TEST(ReadParquet, ReadsOnlyTheProjectedColumnsInTheRequestedOrder) {
  RecordBatch batch = AllTypesBatch(1000);
  std::string file;
  ASSERT_TRUE(WriteParquet(batch, WriterOptions{}, &file));
  auto read = ReadParquet(file, {"ts", "s"}, "projection.parquet");
  ASSERT_TRUE(read) << read.error().ToString();
  ASSERT_EQ(read->num_columns(), 2u);
  EXPECT_EQ(read->schema().fields[0], batch.schema().fields[6]);
  EXPECT_EQ(read->schema().fields[1], batch.schema().fields[0]);
  for (size_t r = 0; r < 1000; ++r) {
    ASSERT_EQ(read->column(0).IsNull(r), batch.column(6).IsNull(r));
    if (!batch.column(6).IsNull(r)) {
      ASSERT_EQ(read->column(0).IntAt(r), batch.column(6).IntAt(r));
    }
    ASSERT_EQ(read->column(1).IsNull(r), batch.column(0).IsNull(r));
    if (!batch.column(0).IsNull(r)) {
      ASSERT_EQ(read->column(1).StringAt(r), batch.column(0).StringAt(r));
    }
  }
}

TEST(ReadParquet, UnknownColumnIsNotFound) {
  std::string file;
  ASSERT_TRUE(WriteParquet(AllTypesBatch(3), WriterOptions{}, &file));
  auto read = ReadParquet(file, {"nope"}, "orders.parquet");
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(read.error().message().find("orders.parquet"), std::string::npos);
}

TEST(ReadParquet, Int96ColumnIsUnsupportedUnlessProjectedAway) {
  LOAD_TESTDATA_OR_SKIP(file, "pyarrow_int96.parquet");
  auto all = ReadParquet(file, {}, "int96.parquet");
  ASSERT_FALSE(all);
  EXPECT_EQ(all.error().code(), ErrorCode::kUnsupported);
  EXPECT_NE(all.error().message().find("'ts'"), std::string::npos);
  EXPECT_EQ(ReadParquetSchema(file, "int96.parquet").error().code(), ErrorCode::kUnsupported);
  auto id = ReadParquet(file, {"id"}, "int96.parquet");
  ASSERT_TRUE(id) << id.error().ToString();
  ASSERT_EQ(id->num_rows(), 3u);
  EXPECT_EQ(id->column(0).IntAt(2), 3);
}

TEST(ReadParquet, FramingErrorsAreCorruptionNamingFileAndOffset) {
  std::string good;
  ASSERT_TRUE(WriteParquet(AllTypesBatch(3), WriterOptions{}, &good));
  std::string no_head = good;
  no_head[0] = 'X';
  std::string no_tail = good;
  no_tail.back() = 'X';
  std::string long_footer = good;
  long_footer[long_footer.size() - 5] = 0x7F;
  for (const std::string& bad : {std::string("PAR1"), no_head, no_tail, long_footer}) {
    auto read = ReadParquet(bad, {}, "bad.parquet");
    ASSERT_FALSE(read);
    EXPECT_EQ(read.error().code(), ErrorCode::kCorruption);
    EXPECT_NE(read.error().message().find("bad.parquet"), std::string::npos);
    EXPECT_NE(read.error().message().find("byte offset"), std::string::npos) << read.error().message();
  }
}

TEST(ReadParquet, EncryptedFooterIsUnsupported) {
  std::string good;
  ASSERT_TRUE(WriteParquet(AllTypesBatch(3), WriterOptions{}, &good));
  good.replace(good.size() - 4, 4, "PARE");
  EXPECT_EQ(ReadParquet(good, {}, "enc.parquet").error().code(), ErrorCode::kUnsupported);
}

/// Reads `file` and checks that it either decodes or fails cleanly: a
/// corruption names the file and a byte offset.
void ExpectCleanOutcome(std::string_view file, const std::string& what) {
  auto read = ReadParquet(file, {}, "damaged.parquet");
  if (read) return;
  const Error& error = read.error();
  ASSERT_TRUE(error.code() == ErrorCode::kCorruption || error.code() == ErrorCode::kUnsupported)
      << what << ": " << error.ToString();
  ASSERT_NE(error.message().find("damaged.parquet"), std::string::npos) << what << ": " << error.ToString();
  if (error.code() == ErrorCode::kCorruption) {
    ASSERT_NE(error.message().find("byte offset"), std::string::npos) << what << ": " << error.ToString();
  }
}

std::vector<std::string> FilesToDamage() {
  std::vector<std::string> files;
  WriterOptions zstd_dictionary;
  std::string file;
  EXPECT_TRUE(WriteParquet(AllTypesBatch(200), zstd_dictionary, &file));
  files.push_back(file);
  WriterOptions plain;
  plain.compression = Compression::kUncompressed;
  plain.dictionary = false;
  plain.row_group_bytes = 2000;
  EXPECT_TRUE(WriteParquet(AllTypesBatch(100), plain, &file));
  files.push_back(file);
  WriterOptions snappy;
  snappy.compression = Compression::kSnappy;
  EXPECT_TRUE(WriteParquet(AllTypesBatch(60), snappy, &file));
  files.push_back(file);
  for (const char* name : {"pyarrow_default.parquet", "pyarrow_v2_zstd.parquet"}) {
    std::string pyarrow = ReadWholeFile(TestdataPath(name));
    if (!pyarrow.empty()) files.push_back(pyarrow);
  }
  return files;
}

TEST(ReadParquet, TruncationAtEveryLengthIsCorruption) {
  for (const std::string& file : FilesToDamage()) {
    for (size_t length = 0; length < file.size(); ++length) {
      auto read = ReadParquet(std::string_view(file).substr(0, length), {}, "truncated.parquet");
      ASSERT_FALSE(read) << "length " << length;
      ASSERT_EQ(read.error().code(), ErrorCode::kCorruption) << read.error().ToString();
      ASSERT_NE(read.error().message().find("truncated.parquet"), std::string::npos);
    }
  }
}

TEST(ReadParquet, FlippedBytesNeverCrashOrHang) {
  for (const std::string& file : FilesToDamage()) {
    for (size_t i = 0; i < file.size(); ++i) {
      for (int mask : {0xFF, 0x01, 0x80}) {
        std::string damaged = file;
        damaged[i] = static_cast<char>(damaged[i] ^ mask);
        ExpectCleanOutcome(damaged, "byte " + std::to_string(i) + " ^ " + std::to_string(mask));
        if (::testing::Test::HasFatalFailure()) return;
      }
    }
  }
}

TEST(ReadParquet, RandomDamageNeverCrashes) {
  std::mt19937 random(7);
  std::vector<std::string> files = FilesToDamage();
  for (int round = 0; round < 3000; ++round) {
    std::string damaged = files[static_cast<size_t>(round) % files.size()];
    int edits = 1 + static_cast<int>(random() % 8);
    for (int e = 0; e < edits; ++e) damaged[random() % damaged.size()] = static_cast<char>(random());
    ExpectCleanOutcome(damaged, "round " + std::to_string(round));
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(ReadParquet, AFlippedByteInAnyPageIsCorruptionNamingFileRowGroupColumnAndPage) {
  // Uncompressed, so that without the page checksum most of these flips would change values silently.
  for (bool dictionary : {true, false}) {
    WriterOptions options;
    options.compression = Compression::kUncompressed;
    options.dictionary = dictionary;
    options.row_group_bytes = 16 << 10;
    std::string file;
    ASSERT_TRUE(WriteParquet(AllTypesBatch(3000), options, &file));
    std::vector<testing::StoredPage> pages = testing::StoredPages(file);
    ASSERT_GT(pages.size(), 16u);
    for (const testing::StoredPage& page : pages) {
      const size_t size = static_cast<size_t>(page.header.compressed_page_size);
      for (size_t at : {size_t{0}, size / 2, size - 1}) {
        std::string damaged = file;
        damaged[page.data_offset + at] = static_cast<char>(damaged[page.data_offset + at] ^ 0x01);
        const std::string where = page.column + " row group " + std::to_string(page.row_group) + " page " +
                                  std::to_string(page.index) + " byte " + std::to_string(at);
        auto read = ReadParquet(damaged, {}, "flipped.parquet");
        ASSERT_FALSE(read) << where;
        ASSERT_EQ(read.error().code(), ErrorCode::kCorruption) << where;
        const std::string& message = read.error().message();
        EXPECT_NE(message.find("flipped.parquet: row group " + std::to_string(page.row_group) + ", column '" +
                               page.column + "', page " + std::to_string(page.index) + " at byte offset " +
                               std::to_string(page.header_offset)),
                  std::string::npos)
            << message;
        EXPECT_NE(message.find("page checksum mismatch"), std::string::npos) << message;
      }
    }
  }
}

TEST(ReadParquet, PagesWithoutChecksumsStillRead) {
  // pyarrow writes no page checksums by default (the PyarrowFile tests read its files); so may we.
  LOAD_TESTDATA_OR_SKIP(bytes, "pyarrow_default.parquet");
  for (const testing::StoredPage& page : testing::StoredPages(bytes)) ASSERT_FALSE(page.header.crc);
  auto read = ReadParquet(bytes, {}, "pyarrow_default.parquet");
  ASSERT_TRUE(read) << read.error().ToString();
  ExpectBatchesEqual(ExpectedPyarrowTable(), *read);
}

TEST(ReadParquet, VerifiesTheChecksumsPyarrowWroteInPagesV1V2AndDictionaryPages) {
  for (const char* name : {"pyarrow_v1_page_checksum.parquet", "pyarrow_v2_page_checksum.parquet"}) {
    LOAD_TESTDATA_OR_SKIP(bytes, name);
    std::vector<testing::StoredPage> pages = testing::StoredPages(bytes);
    std::set<PageType> types;
    for (const testing::StoredPage& page : pages) {
      ASSERT_TRUE(page.header.crc) << name << " " << page.column << " page " << page.index;
      types.insert(page.header.type);
      if (page.header.compressed_page_size == 0) continue;
      std::string damaged = bytes;
      const size_t at = page.data_offset + static_cast<size_t>(page.header.compressed_page_size) - 1;
      damaged[at] = static_cast<char>(damaged[at] ^ 0x10);
      auto read = ReadParquet(damaged, {}, name);
      ASSERT_FALSE(read) << name << " " << page.column << " page " << page.index;
      EXPECT_EQ(read.error().code(), ErrorCode::kCorruption);
      EXPECT_NE(read.error().message().find("page checksum mismatch"), std::string::npos) << read.error().message();
    }
    EXPECT_TRUE(types.contains(PageType::kDictionaryPage)) << name;
    EXPECT_TRUE(types.contains(std::string_view(name).find("v2") != std::string_view::npos ? PageType::kDataPageV2
                                                                                            : PageType::kDataPage))
        << name;
  }
}

// ---- RangedParquetFile: the footer off the tail, then only the needed column chunks ----

/// A file behind a ReadByteRange that records each request (from any thread).
struct RangedSource {
  std::string bytes;
  std::vector<std::pair<uint64_t, uint64_t>> requests;
  std::mutex mutex;
  ReadByteRange Reader() {
    return [this](uint64_t offset, uint64_t length) -> Result<std::string> {
      std::lock_guard lock(mutex);
      requests.emplace_back(offset, length);
      if (offset >= bytes.size()) return std::string();
      return bytes.substr(offset, length);
    };
  }
};

std::string SeveralRowGroups(size_t rows = 4000) {
  WriterOptions options;
  options.row_group_bytes = 16 << 10;
  std::string bytes;
  EXPECT_TRUE(WriteParquet(AllTypesBatch(rows), options, &bytes));
  return bytes;
}

TEST(RangedParquetFile, ReadsTheSameRowsAsTheWholeFile) {
  RangedSource source{SeveralRowGroups()};
  auto file = RangedParquetFile::Open(source.bytes.size(), source.Reader(), "mem.parquet");
  ASSERT_TRUE(file) << file.error().ToString();
  EXPECT_EQ(file->stats().requests, 1);  // a small footer comes with the first tail read
  auto schema = file->schema();
  ASSERT_TRUE(schema);
  auto whole_schema = ReadParquetSchema(source.bytes, "mem.parquet");
  ASSERT_TRUE(whole_schema);
  EXPECT_EQ(schema->fields.size(), whole_schema->fields.size());
  EXPECT_EQ(file->num_rows(), 4000);
  for (const std::vector<std::string>& columns :
       {std::vector<std::string>{}, std::vector<std::string>{"i64"}, std::vector<std::string>{"d", "s"}}) {
    auto ranged = file->Read(columns);
    ASSERT_TRUE(ranged) << ranged.error().ToString();
    auto whole = ReadParquet(source.bytes, columns, "mem.parquet");
    ASSERT_TRUE(whole);
    ExpectBatchesEqual(*ranged, *whole);
  }
}

TEST(RangedParquetFile, FetchesOnlyTheSelectedColumnsAndRowGroups) {
  RangedSource source{SeveralRowGroups(20000)};
  RangeReadOptions options;
  options.coalesce_gap = 0;
  options.footer_prefetch = 8;  // the footer costs two reads: length, then the footer
  auto file = RangedParquetFile::Open(source.bytes.size(), source.Reader(), "mem.parquet", options);
  ASSERT_TRUE(file) << file.error().ToString();
  EXPECT_EQ(file->stats().requests, 2);
  EXPECT_EQ(source.requests[0], (std::pair<uint64_t, uint64_t>(source.bytes.size() - 8, 8)));
  const int64_t footer_bytes = file->stats().bytes;
  auto one = file->Read({"b"});
  ASSERT_TRUE(one) << one.error().ToString();
  const int64_t one_column_bytes = file->stats().bytes - footer_bytes;
  EXPECT_GT(one_column_bytes, 0);
  EXPECT_LT(one_column_bytes * 3, static_cast<int64_t>(source.bytes.size()))
      << "one column of several should not fetch most of the file";
  const int64_t before_group = file->stats().requests;
  auto first_group = file->Read({"b"}, [](size_t g) { return g == 0; });
  ASSERT_TRUE(first_group) << first_group.error().ToString();
  EXPECT_EQ(file->stats().requests - before_group, 1);
  auto whole = ReadParquetRowGroups(source.bytes, {"b"}, [](size_t g) { return g == 0; }, "mem.parquet");
  ASSERT_TRUE(whole);
  ExpectBatchesEqual(*first_group, *whole);
}

TEST(RangedParquetFile, NearbyChunksAreCoalescedIntoOneRequest) {
  RangedSource source{SeveralRowGroups()};
  // Columns s and d are not adjacent: without coalescing each chunk is its own request
  // (touching ranges are always merged).
  RangeReadOptions apart;
  apart.coalesce_gap = 0;
  apart.footer_prefetch = 8;  // the tail read holds no column chunk
  auto separate = RangedParquetFile::Open(source.bytes.size(), source.Reader(), "mem.parquet", apart);
  ASSERT_TRUE(separate);
  auto separate_batch = separate->Read({"s", "d"});
  ASSERT_TRUE(separate_batch) << separate_batch.error().ToString();
  EXPECT_GE(separate->stats().requests, 3);
  RangeReadOptions close;
  close.footer_prefetch = 8;
  auto merged = RangedParquetFile::Open(source.bytes.size(), source.Reader(), "mem.parquet", close);
  ASSERT_TRUE(merged);
  auto merged_batch = merged->Read({"s", "d"});
  ASSERT_TRUE(merged_batch) << merged_batch.error().ToString();
  // The small file's chunks lie within the default gap of each other: one request after the footer's two.
  EXPECT_EQ(merged->stats().requests, 3);
  EXPECT_GT(merged->stats().bytes, separate->stats().bytes);  // the gaps were read too
  ExpectBatchesEqual(*merged_batch, *separate_batch);
}

TEST(RangedParquetFile, ParallelAndSequentialFetchesReadTheSame) {
  RangedSource source{SeveralRowGroups(20000)};
  RangeReadOptions options;
  options.footer_prefetch = 8;
  options.coalesce_gap = 0;
  std::vector<RecordBatch> batches;
  std::vector<int64_t> bytes;
  for (int parallel : {1, 3, 8}) {
    options.parallel_requests = parallel;
    auto file = RangedParquetFile::Open(source.bytes.size(), source.Reader(), "mem.parquet", options);
    ASSERT_TRUE(file) << file.error().ToString();
    auto batch = file->Read({"s", "d", "b"});
    ASSERT_TRUE(batch) << batch.error().ToString();
    batches.push_back(std::move(*batch));
    bytes.push_back(file->stats().bytes);
    EXPECT_GT(file->stats().requests, 4);
  }
  ExpectBatchesEqual(batches[0], batches[1]);
  ExpectBatchesEqual(batches[0], batches[2]);
  EXPECT_EQ(bytes[0], bytes[2]);
  // A failing range fails the read, whichever thread fetched it.
  options.parallel_requests = 8;
  std::atomic<int> calls = 0;
  auto failing = RangedParquetFile::Open(
      source.bytes.size(),
      [&](uint64_t offset, uint64_t length) -> Result<std::string> {
        if (++calls == 4) return MakeError(ErrorCode::kUnavailable, "store down");
        return source.bytes.substr(offset, length);
      },
      "mem.parquet", options);
  ASSERT_TRUE(failing);
  auto read = failing->Read({"s", "d", "b"});
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code(), ErrorCode::kUnavailable);
}

TEST(RangedParquetFile, ChunksInTheTailReadAreNotFetchedAgain) {
  RangedSource source{SeveralRowGroups(2000)};
  RangeReadOptions options;
  options.footer_prefetch = source.bytes.size() + 1000;  // the whole file comes with the footer
  auto file = RangedParquetFile::Open(source.bytes.size(), source.Reader(), "mem.parquet", options);
  ASSERT_TRUE(file) << file.error().ToString();
  auto batch = file->Read({});
  ASSERT_TRUE(batch) << batch.error().ToString();
  EXPECT_EQ(file->stats().requests, 1);
  EXPECT_EQ(file->stats().bytes, static_cast<int64_t>(source.bytes.size()));
  ExpectBatchesEqual(*batch, *ReadParquet(source.bytes, {}, "mem.parquet"));
  // A tail that holds only the last row groups: the earlier ones are fetched, the rest served from the tail.
  options.footer_prefetch = source.bytes.size() / 2;
  options.coalesce_gap = 0;
  auto half = RangedParquetFile::Open(source.bytes.size(), source.Reader(), "mem.parquet", options);
  ASSERT_TRUE(half) << half.error().ToString();
  auto half_batch = half->Read({"s", "d"});
  ASSERT_TRUE(half_batch) << half_batch.error().ToString();
  ExpectBatchesEqual(*half_batch, *ReadParquet(source.bytes, {"s", "d"}, "mem.parquet"));
  EXPECT_LT(half->stats().bytes, static_cast<int64_t>(source.bytes.size()));
}

TEST(RangedParquetFile, VerifiesPageChecksumsAsTheWholeFileReaderDoes) {
  RangedSource source;
  source.bytes = SeveralRowGroups();
  const std::vector<testing::StoredPage> pages = testing::StoredPages(source.bytes);
  ASSERT_FALSE(pages.empty());
  const testing::StoredPage& page = pages[pages.size() / 2];
  source.bytes[page.data_offset] = static_cast<char>(source.bytes[page.data_offset] ^ 0x40);
  auto file = RangedParquetFile::Open(source.bytes.size(), source.Reader(), "ranged.parquet");
  ASSERT_TRUE(file) << file.error().ToString();
  auto read = file->Read({});
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code(), ErrorCode::kCorruption);
  EXPECT_NE(read.error().message().find("ranged.parquet: row group " + std::to_string(page.row_group) +
                                        ", column '" + page.column + "', page " + std::to_string(page.index)),
            std::string::npos)
      << read.error().message();
}

TEST(RangedParquetFile, ShortOrDamagedFilesAreCorruption) {
  RangedSource source{SeveralRowGroups(100)};
  auto too_short = RangedParquetFile::Open(4, source.Reader(), "mem.parquet");
  ASSERT_FALSE(too_short);
  EXPECT_EQ(too_short.error().code(), ErrorCode::kCorruption);
  // The size says more than the store holds: the tail read comes back short.
  auto longer = RangedParquetFile::Open(source.bytes.size() + 100, source.Reader(), "mem.parquet");
  ASSERT_FALSE(longer);
  EXPECT_EQ(longer.error().code(), ErrorCode::kCorruption);
  EXPECT_NE(longer.error().message().find("mem.parquet"), std::string::npos);
  RangedSource damaged{source.bytes};
  damaged.bytes[damaged.bytes.size() - 1] = 'X';
  auto magic = RangedParquetFile::Open(damaged.bytes.size(), damaged.Reader(), "mem.parquet");
  ASSERT_FALSE(magic);
  EXPECT_NE(magic.error().message().find("magic"), std::string::npos);
  auto failing = RangedParquetFile::Open(
      100, [](uint64_t, uint64_t) -> Result<std::string> { return MakeError(ErrorCode::kUnavailable, "down"); },
      "mem.parquet");
  ASSERT_FALSE(failing);
  EXPECT_EQ(failing.error().code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace jsm::parquet
