#include "parquet/writer.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "parquet/little_endian.h"
#include "parquet/metadata.h"
#include "parquet/page_checksum.h"
#include "parquet/plain_encoding.h"
#include "parquet/reader.h"
#include "unit/parquet/test_batches.h"

namespace jsm::parquet {
namespace {

using testing::AllTypesBatch;
using testing::ExpectBatchesEqual;

/// The footer of a file our writer produced.
FileMetaData Footer(const std::string& file) {
  uint32_t length = LoadLe<uint32_t>(file.data() + file.size() - 8);
  size_t start = file.size() - 8 - length;
  auto metadata = ParseFileMetaData(std::string_view(file).substr(start, length), start);
  EXPECT_TRUE(metadata) << metadata.error().ToString();
  return metadata ? *metadata : FileMetaData{};
}

std::string WriteOrDie(const RecordBatch& batch, const WriterOptions& options) {
  std::string file;
  Status status = WriteParquet(batch, options, &file);
  EXPECT_TRUE(status) << status.error().ToString();
  return file;
}

struct Flavour {
  Compression compression;
  bool dictionary;
};

class WriterRoundTrip : public ::testing::TestWithParam<Flavour> {};

TEST_P(WriterRoundTrip, EveryTypeWithNullsReadsBackUnchanged) {
  WriterOptions options;
  options.compression = GetParam().compression;
  options.dictionary = GetParam().dictionary;
  RecordBatch batch = AllTypesBatch(5000);
  std::string file = WriteOrDie(batch, options);
  auto read = ReadParquet(file, {}, "round_trip.parquet");
  ASSERT_TRUE(read) << read.error().ToString();
  ExpectBatchesEqual(batch, *read);
}

INSTANTIATE_TEST_SUITE_P(
    Flavours, WriterRoundTrip,
    ::testing::Values(Flavour{Compression::kUncompressed, true}, Flavour{Compression::kUncompressed, false},
                      Flavour{Compression::kSnappy, true}, Flavour{Compression::kSnappy, false},
                      Flavour{Compression::kZstd, true}, Flavour{Compression::kZstd, false}));

TEST_P(WriterRoundTrip, WideDecimalsReadBackExactlyWithSignedStatistics) {
  WriterOptions options;
  options.compression = GetParam().compression;
  options.dictionary = GetParam().dictionary;
  const Schema schema{{Field{"net", DataType::kDecimal128, true, 28, 2}, Field{"n", DataType::kInt64, false}}};
  RecordBatch batch(schema);
  const Int128 max = PowerOfTen128(28) - 1;
  const Int128 specials[] = {0, -1, 1, PowerOfTen128(27) - 1, -(PowerOfTen128(27) - 1), max, -max,
                             Int128{INT64_MAX} + 1, Int128{INT64_MIN} - 1};
  for (int64_t i = 0; i < 3000; ++i) {
    if (i % 7 == 3) batch.column(0).AppendNull();
    else if (i < 9) batch.column(0).AppendWide(specials[i]);
    else batch.column(0).AppendWide((Int128{i} * 1'000'000'007 - 1'500'000'000'000) * PowerOfTen128(12));
    batch.column(1).AppendInt(i);
  }
  std::string file = WriteOrDie(batch, options);
  auto read = ReadParquet(file, {}, "wide.parquet");
  ASSERT_TRUE(read) << read.error().ToString();
  ExpectBatchesEqual(batch, *read);
  const FileMetaData metadata = Footer(file);
  EXPECT_EQ(metadata.schema[1].type_length, 12);
  const Statistics& stats = *metadata.row_groups[0].columns[0].meta_data->statistics;
  ASSERT_TRUE(stats.min_value && stats.max_value);
  // Signed order: the bounds are -max and max, as 12 big-endian bytes.
  std::string expected_min, expected_max;
  AppendDecimalBigEndian(-max, 12, &expected_min);
  AppendDecimalBigEndian(max, 12, &expected_max);
  EXPECT_EQ(*stats.min_value, expected_min);
  EXPECT_EQ(*stats.max_value, expected_max);
}

TEST(WriteParquet, FileIsFramedByMagicAndFooterLength) {
  std::string file = WriteOrDie(AllTypesBatch(10), WriterOptions{});
  EXPECT_EQ(file.substr(0, 4), "PAR1");
  EXPECT_EQ(file.substr(file.size() - 4), "PAR1");
  uint32_t footer = LoadLe<uint32_t>(file.data() + file.size() - 8);
  EXPECT_LT(footer, file.size());
  FileMetaData metadata = Footer(file);
  EXPECT_EQ(metadata.num_rows, 10);
  EXPECT_EQ(metadata.created_by, "jsm-pipeline");
}

TEST(WriteParquet, ClearsTheOutputFirst) {
  std::string file = "left over";
  ASSERT_TRUE(WriteParquet(AllTypesBatch(3), WriterOptions{}, &file));
  EXPECT_EQ(file.substr(0, 4), "PAR1");
}

TEST(WriteParquet, StartsANewRowGroupWhenRowGroupBytesAreReached) {
  RecordBatch batch = AllTypesBatch(10000);
  WriterOptions options;
  options.row_group_bytes = 100000;
  std::string file = WriteOrDie(batch, options);
  FileMetaData metadata = Footer(file);
  ASSERT_GE(metadata.row_groups.size(), 4u);
  ASSERT_LE(metadata.row_groups.size(), 6u);
  int64_t rows = 0;
  for (size_t g = 0; g < metadata.row_groups.size(); ++g) {
    const RowGroup& group = metadata.row_groups[g];
    EXPECT_EQ(group.ordinal, static_cast<int16_t>(g));
    EXPECT_EQ(group.columns.size(), batch.num_columns());
    EXPECT_EQ(group.file_offset, group.columns[0].file_offset);
    for (const ColumnChunk& chunk : group.columns) EXPECT_EQ(chunk.meta_data->num_values, group.num_rows);
    rows += group.num_rows;
  }
  EXPECT_EQ(rows, 10000);
  auto read = ReadParquet(file, {}, "groups.parquet");
  ASSERT_TRUE(read) << read.error().ToString();
  ExpectBatchesEqual(batch, *read);
}

TEST(WriteParquet, OneRowPerGroupWhenTheLimitIsTiny) {
  RecordBatch batch = AllTypesBatch(20);
  WriterOptions options;
  options.row_group_bytes = 1;
  std::string file = WriteOrDie(batch, options);
  EXPECT_EQ(Footer(file).row_groups.size(), 20u);
  auto read = ReadParquet(file, {}, "tiny.parquet");
  ASSERT_TRUE(read);
  ExpectBatchesEqual(batch, *read);
}

TEST(WriteParquet, LargeBatchSpansManyPagesAndReadsBack) {
  RecordBatch batch = AllTypesBatch(300000);
  WriterOptions options;
  options.compression = Compression::kSnappy;
  std::string file = WriteOrDie(batch, options);
  FileMetaData metadata = Footer(file);
  ASSERT_EQ(metadata.row_groups.size(), 1u);
  // 300k INT64 values are 2.4 MB of PLAIN data: three pages of at most 1 MiB.
  const ColumnMetaData& i64 = *metadata.row_groups[0].columns[3].meta_data;
  EXPECT_GT(i64.total_uncompressed_size, 2400000);
  auto read = ReadParquet(file, {}, "large.parquet");
  ASSERT_TRUE(read) << read.error().ToString();
  ExpectBatchesEqual(batch, *read);
}

TEST(WriteParquet, EmptyBatchIsAValidFileWithoutRowGroups) {
  RecordBatch batch = AllTypesBatch(0);
  std::string file = WriteOrDie(batch, WriterOptions{});
  FileMetaData metadata = Footer(file);
  EXPECT_EQ(metadata.num_rows, 0);
  EXPECT_TRUE(metadata.row_groups.empty());
  auto read = ReadParquet(file, {}, "empty.parquet");
  ASSERT_TRUE(read) << read.error().ToString();
  EXPECT_EQ(read->num_rows(), 0u);
  EXPECT_EQ(read->schema(), batch.schema());
}

TEST(WriteParquet, CodecIsRecordedInEveryColumnChunk) {
  for (auto [compression, codec] : {std::pair{Compression::kUncompressed, CompressionCodec::kUncompressed},
                                    {Compression::kSnappy, CompressionCodec::kSnappy},
                                    {Compression::kZstd, CompressionCodec::kZstd}}) {
    WriterOptions options;
    options.compression = compression;
    FileMetaData metadata = Footer(WriteOrDie(AllTypesBatch(100), options));
    for (const ColumnChunk& chunk : metadata.row_groups[0].columns) EXPECT_EQ(chunk.meta_data->codec, codec);
  }
}

template <class T>
std::string Plain(T value) {
  std::string bytes(sizeof(T), '\0');
  std::memcpy(bytes.data(), &value, sizeof(T));
  return bytes;
}

TEST(WriteParquet, StatisticsOfEachRowGroupMatchItsValues) {
  RecordBatch batch = AllTypesBatch(3000);
  WriterOptions options;
  options.row_group_bytes = 50000;
  FileMetaData metadata = Footer(WriteOrDie(batch, options));
  ASSERT_GT(metadata.row_groups.size(), 1u);
  size_t begin = 0;
  for (const RowGroup& group : metadata.row_groups) {
    size_t end = begin + static_cast<size_t>(group.num_rows);
    for (size_t c = 0; c < batch.num_columns(); ++c) {
      const Column& column = batch.column(c);
      const Statistics& stats = group.columns[c].meta_data->statistics.value();
      int64_t nulls = 0;
      int64_t lo = std::numeric_limits<int64_t>::max(), hi = std::numeric_limits<int64_t>::min();
      double dlo = 1e300, dhi = -1e300;
      std::string slo, shi;
      bool any = false;
      for (size_t r = begin; r < end; ++r) {
        if (column.IsNull(r)) {
          ++nulls;
          continue;
        }
        switch (column.type()) {
          case DataType::kString: {
            std::string v(column.StringAt(r));
            if (!any || v < slo) slo = v;
            if (!any || v > shi) shi = v;
            break;
          }
          case DataType::kDouble:
            dlo = std::min(dlo, column.DoubleAt(r));
            dhi = std::max(dhi, column.DoubleAt(r));
            break;
          default:
            lo = std::min(lo, column.IntAt(r));
            hi = std::max(hi, column.IntAt(r));
        }
        any = true;
      }
      const std::string& name = batch.schema().fields[c].name;
      EXPECT_EQ(stats.null_count, nulls) << name;
      ASSERT_TRUE(any);
      switch (column.type()) {
        case DataType::kString:
          EXPECT_EQ(stats.min_value, slo) << name;
          EXPECT_EQ(stats.max_value, shi) << name;
          break;
        case DataType::kDouble:
          EXPECT_EQ(stats.min_value, Plain(dlo)) << name;
          EXPECT_EQ(stats.max_value, Plain(dhi)) << name;
          break;
        case DataType::kBoolean:
          EXPECT_EQ(stats.min_value, std::string(1, static_cast<char>(lo))) << name;
          EXPECT_EQ(stats.max_value, std::string(1, static_cast<char>(hi))) << name;
          break;
        case DataType::kInt32:
        case DataType::kDate:
          EXPECT_EQ(stats.min_value, Plain(static_cast<int32_t>(lo))) << name;
          EXPECT_EQ(stats.max_value, Plain(static_cast<int32_t>(hi))) << name;
          break;
        default:
          EXPECT_EQ(stats.min_value, Plain(lo)) << name;
          EXPECT_EQ(stats.max_value, Plain(hi)) << name;
      }
    }
    begin = end;
  }
}

TEST(WriteParquet, AllNullChunksHaveNullCountButNoMinMax) {
  Schema schema{{Field{"s", DataType::kString, true}, Field{"i", DataType::kInt64, true}}};
  RecordBatch batch(schema);
  for (int i = 0; i < 4; ++i) {
    batch.column(0).AppendNull();
    batch.column(1).AppendNull();
  }
  std::string file = WriteOrDie(batch, WriterOptions{});
  FileMetaData metadata = Footer(file);
  for (const ColumnChunk& chunk : metadata.row_groups[0].columns) {
    EXPECT_EQ(chunk.meta_data->statistics->null_count, 4);
    EXPECT_FALSE(chunk.meta_data->statistics->min_value);
    EXPECT_FALSE(chunk.meta_data->statistics->max_value);
  }
  auto read = ReadParquet(file, {}, "nulls.parquet");
  ASSERT_TRUE(read);
  ExpectBatchesEqual(batch, *read);
}

TEST(WriteParquet, SchemaReadsBackThroughReadParquetSchema) {
  RecordBatch batch = AllTypesBatch(5);
  auto schema = ReadParquetSchema(WriteOrDie(batch, WriterOptions{}), "schema.parquet");
  ASSERT_TRUE(schema) << schema.error().ToString();
  EXPECT_EQ(*schema, batch.schema());
}

TEST(WriteParquet, NullInNonNullableFieldIsInvalidArgument) {
  Schema schema{{Field{"id", DataType::kInt64, false}}};
  RecordBatch batch(schema);
  batch.column(0).AppendInt(1);
  batch.column(0).AppendNull();
  std::string file;
  Status status = WriteParquet(batch, WriterOptions{}, &file);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), ErrorCode::kInvalidArgument);
}

TEST(WriteParquet, InconsistentBatchesAndOptionsAreInvalidArguments) {
  std::string file;
  Schema two{{Field{"a", DataType::kInt64, true}, Field{"b", DataType::kInt64, true}}};
  RecordBatch ragged(two);
  ragged.column(0).AppendInt(1);
  EXPECT_EQ(WriteParquet(ragged, WriterOptions{}, &file).error().code(), ErrorCode::kInvalidArgument);

  RecordBatch bad_decimal(Schema{{Field{"d", DataType::kDecimal, true, 30, 2}}});
  EXPECT_EQ(WriteParquet(bad_decimal, WriterOptions{}, &file).error().code(), ErrorCode::kInvalidArgument);

  WriterOptions options;
  options.row_group_bytes = 0;
  EXPECT_EQ(WriteParquet(AllTypesBatch(1), options, &file).error().code(), ErrorCode::kInvalidArgument);
}

// ---- golden footer ----

std::string Hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

std::string Describe(const LogicalType& t) {
  switch (t.kind) {
    case LogicalType::Kind::kString:
      return "STRING";
    case LogicalType::Kind::kDate:
      return "DATE";
    case LogicalType::Kind::kDecimal:
      return "DECIMAL(precision=" + std::to_string(t.precision) + ",scale=" + std::to_string(t.scale) + ")";
    case LogicalType::Kind::kTimestamp:
      return std::string("TIMESTAMP(utc=") + (t.is_adjusted_to_utc ? "true" : "false") + ",unit=" +
             (t.unit == TimeUnit::kMicros   ? "MICROS"
              : t.unit == TimeUnit::kMillis ? "MILLIS"
                                            : "NANOS") +
             ")";
    default:
      return "kind " + std::to_string(static_cast<int>(t.kind));
  }
}

/// A line-per-fact description of a footer, for the golden comparison.
std::string Describe(const FileMetaData& m) {
  std::ostringstream out;
  out << "version " << m.version << "\n";
  out << "num_rows " << m.num_rows << "\n";
  out << "created_by " << m.created_by.value_or("-") << "\n";
  out << "column_orders TYPE_ORDER x" << m.type_defined_column_orders.value_or(0) << "\n";
  for (const SchemaElement& e : m.schema) {
    out << "schema " << e.name;
    if (e.num_children) out << " num_children=" << *e.num_children;
    if (e.repetition_type) out << (*e.repetition_type == Repetition::kRequired ? " REQUIRED" : " OPTIONAL");
    if (e.type) out << " " << PhysicalTypeName(*e.type);
    if (e.converted_type) out << " converted=" << static_cast<int>(*e.converted_type);
    if (e.precision) out << " precision=" << *e.precision;
    if (e.scale) out << " scale=" << *e.scale;
    if (e.logical_type) out << " logical=" << Describe(*e.logical_type);
    out << "\n";
  }
  for (const RowGroup& g : m.row_groups) {
    out << "row_group num_rows=" << g.num_rows << " total_byte_size=" << g.total_byte_size
        << " file_offset=" << g.file_offset.value_or(-1)
        << " total_compressed_size=" << g.total_compressed_size.value_or(-1)
        << " ordinal=" << g.ordinal.value_or(-1) << "\n";
    for (const ColumnChunk& c : g.columns) {
      const ColumnMetaData& md = *c.meta_data;
      out << "  column " << md.path_in_schema[0] << " " << PhysicalTypeName(md.type) << " "
          << CodecName(md.codec) << " encodings=";
      for (size_t i = 0; i < md.encodings.size(); ++i) out << (i ? "," : "") << EncodingName(md.encodings[i]);
      out << " num_values=" << md.num_values << " file_offset=" << c.file_offset;
      if (md.dictionary_page_offset) out << " dictionary_page_offset=" << *md.dictionary_page_offset;
      out << " data_page_offset=" << md.data_page_offset << " uncompressed=" << md.total_uncompressed_size
          << " compressed=" << md.total_compressed_size << "\n";
      const Statistics& s = *md.statistics;
      out << "    statistics null_count=" << s.null_count.value_or(-1);
      if (s.min_value) out << " min=" << Hex(*s.min_value);
      if (s.max_value) out << " max=" << Hex(*s.max_value);
      out << "\n";
    }
  }
  return out.str();
}

TEST(WriteParquet, EveryPageCarriesTheCrc32OfItsStoredBytes) {
  // Several row groups, dictionary and data pages, each codec: the crc covers the bytes after the header as
  // stored (compressed), as parquet.thrift defines PageHeader.crc.
  RecordBatch batch = AllTypesBatch(6000);
  for (Compression compression : {Compression::kUncompressed, Compression::kSnappy, Compression::kZstd}) {
    WriterOptions options;
    options.compression = compression;
    options.row_group_bytes = 32 << 10;
    std::string file = WriteOrDie(batch, options);
    std::vector<testing::StoredPage> pages = testing::StoredPages(file);
    size_t dictionary_pages = 0;
    for (const testing::StoredPage& page : pages) {
      dictionary_pages += page.header.type == PageType::kDictionaryPage;
      ASSERT_TRUE(page.header.crc) << page.column << " page " << page.index;
      std::string_view stored(file.data() + page.data_offset, static_cast<size_t>(page.header.compressed_page_size));
      EXPECT_EQ(static_cast<uint32_t>(*page.header.crc), PageChecksum(stored)) << page.column << " page " << page.index;
    }
    EXPECT_GT(dictionary_pages, 0u);
    EXPECT_GT(pages.size(), 2 * batch.num_columns());
  }
}

TEST(WriteParquet, FooterMatchesTheGoldenDescription) {
  RecordBatch batch = AllTypesBatch(3);
  WriterOptions options;
  options.compression = Compression::kUncompressed;
  options.created_by = "jsm-pipeline golden";
  std::string description = Describe(Footer(WriteOrDie(batch, options)));
  std::filesystem::path golden = testing::TestdataPath("golden_footer.txt");
  if (std::getenv("JSM_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(golden, std::ios::binary) << description;
  }
  std::string expected = testing::ReadWholeFile(golden);
  ASSERT_FALSE(expected.empty()) << "missing golden file " << golden;
  EXPECT_EQ(description, expected) << "set JSM_UPDATE_GOLDEN=1 to rewrite " << golden
                                   << " after a deliberate change";
}

TEST_P(WriterRoundTrip, BinaryValuesOfAnyBytesReadBackExactly) {
  WriterOptions options;
  options.compression = GetParam().compression;
  options.dictionary = GetParam().dictionary;
  RecordBatch batch(Schema{{Field{"raw", DataType::kBinary, true}}});
  const std::string values[] = {std::string("\xff\xfe\x00garbage\x80", 11), "", std::string(3, '\0'),
                                "caf\xc3\xa9", std::string("\xff\xfe\x00garbage\x80", 11)};
  for (int round = 0; round < 100; ++round) {
    for (const std::string& value : values) batch.column(0).AppendString(value);
    batch.column(0).AppendNull();
  }
  std::string file = WriteOrDie(batch, options);
  EXPECT_FALSE(Footer(file).schema[1].logical_type);  // BYTE_ARRAY, no STRING annotation
  EXPECT_FALSE(Footer(file).schema[1].converted_type);
  auto read = ReadParquet(file, {}, "binary.parquet");
  ASSERT_TRUE(read) << read.error().ToString();
  EXPECT_EQ(read->schema().fields[0].type, DataType::kBinary);
  ExpectBatchesEqual(batch, *read);
}

}  // namespace
}  // namespace jsm::parquet
