#pragma once
/// Helpers shared by the Parquet tests: sample batches of every column type,
/// batch comparison, and access to the files under testdata/.

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "common/record_batch.h"
#include "parquet/column_chunk_reader.h"
#include "parquet/footer.h"
#include "parquet/page_header.h"

namespace jsm::parquet::testing {

/// A batch with one column of every DataType; values and nulls follow the row
/// number (string "s<i%7>", null every 5th row; and so on).
inline RecordBatch AllTypesBatch(size_t rows) {
  Schema schema{{Field{"s", DataType::kString, true}, Field{"b", DataType::kBoolean, true},
                 Field{"i32", DataType::kInt32, true}, Field{"i64", DataType::kInt64, false},
                 Field{"d", DataType::kDouble, true}, Field{"dt", DataType::kDate, true},
                 Field{"ts", DataType::kTimestamp, true}, Field{"dec", DataType::kDecimal, true, 12, 2}}};
  RecordBatch batch(schema);
  for (size_t r = 0; r < rows; ++r) {
    int64_t i = static_cast<int64_t>(r);
    if (i % 5 == 0)
      batch.column(0).AppendNull();
    else
      batch.column(0).AppendString("s" + std::to_string(i % 7));
    if (i % 11 == 0)
      batch.column(1).AppendNull();
    else
      batch.column(1).AppendInt(i % 3 == 0);
    if (i % 13 == 0)
      batch.column(2).AppendNull();
    else
      batch.column(2).AppendInt(i * 7 - 300);
    batch.column(3).AppendInt(i * 1000000007LL - 50000000000LL);
    if (i % 17 == 0)
      batch.column(4).AppendNull();
    else
      batch.column(4).AppendDouble(static_cast<double>(i) * 0.5 - 10);
    if (i % 4 == 0)
      batch.column(5).AppendNull();
    else
      batch.column(5).AppendInt((i % 10000) * 10);
    if (i % 6 == 0)
      batch.column(6).AppendNull();
    else
      batch.column(6).AppendInt(1700000000000000LL + i * 1000003LL);
    if (i % 8 == 0)
      batch.column(7).AppendNull();
    else
      batch.column(7).AppendInt(i * 12345 - 99999);
  }
  return batch;
}

/// Expects `actual` to hold the same schema, nulls and values as `expected`
/// (doubles compared bit for bit).
inline void ExpectBatchesEqual(const RecordBatch& expected, const RecordBatch& actual) {
  ASSERT_EQ(expected.schema(), actual.schema());
  ASSERT_EQ(expected.num_rows(), actual.num_rows());
  for (size_t c = 0; c < expected.num_columns(); ++c) {
    const Column& e = expected.column(c);
    const Column& a = actual.column(c);
    const std::string& name = expected.schema().fields[c].name;
    for (size_t r = 0; r < expected.num_rows(); ++r) {
      ASSERT_EQ(e.IsNull(r), a.IsNull(r)) << "column " << name << " row " << r;
      if (e.IsNull(r)) continue;
      switch (e.type()) {
        case DataType::kString:
        case DataType::kBinary:
          ASSERT_EQ(e.StringAt(r), a.StringAt(r)) << name << " row " << r;
          break;
        case DataType::kDouble: {
          double x = e.DoubleAt(r), y = a.DoubleAt(r);
          ASSERT_EQ(0, std::memcmp(&x, &y, sizeof x)) << name << " row " << r;
          break;
        }
        case DataType::kDecimal128:
          ASSERT_TRUE(e.WideAt(r) == a.WideAt(r))
              << name << " row " << r << ": " << FormatUnscaled128(e.WideAt(r), 0) << " vs "
              << FormatUnscaled128(a.WideAt(r), 0);
          break;
        default:
          ASSERT_EQ(e.IntAt(r), a.IntAt(r)) << name << " row " << r;
          break;
      }
    }
  }
}

/// Path of a file under tests/unit/parquet/testdata.
inline std::filesystem::path TestdataPath(const std::string& name) {
  return std::filesystem::path(__FILE__).parent_path() / "testdata" / name;
}

/// Contents of a file, or an empty string when it cannot be read.
inline std::string ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// One page of a file as stored: where its header and bytes lie, and the header.
struct StoredPage {
  size_t row_group = 0;
  std::string column;  ///< path_in_schema joined with '.'
  size_t index = 0;    ///< within its column chunk, the dictionary page first
  size_t header_offset = 0;
  size_t data_offset = 0;  ///< the page bytes after the header
  PageHeader header;
};

/// Every page of `file` (a valid file), chunk by chunk, from the footer and page headers.
inline std::vector<StoredPage> StoredPages(std::string_view file) {
  std::vector<StoredPage> pages;
  auto footer = ReadFooter(file, "pages.parquet");
  EXPECT_TRUE(footer) << footer.error().ToString();
  if (!footer) return pages;
  for (size_t g = 0; g < footer->metadata.row_groups.size(); ++g) {
    for (const ColumnChunk& chunk : footer->metadata.row_groups[g].columns) {
      std::string column;
      for (const std::string& part : chunk.meta_data->path_in_schema) column += (column.empty() ? "" : ".") + part;
      const ChunkRange range = ChunkByteRange(*chunk.meta_data);
      size_t pos = static_cast<size_t>(range.start);
      const size_t end = pos + static_cast<size_t>(range.length);
      for (size_t index = 0; pos < end; ++index) {
        auto parsed = ParsePageHeader(file.substr(pos, end - pos), pos);
        EXPECT_TRUE(parsed) << parsed.error().ToString();
        if (!parsed) return pages;
        pages.push_back(StoredPage{g, column, index, pos, pos + parsed->size, parsed->header});
        pos += parsed->size + static_cast<size_t>(parsed->header.compressed_page_size);
      }
    }
  }
  return pages;
}

}  // namespace jsm::parquet::testing
