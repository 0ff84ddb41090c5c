#include "parquet/nested_writer.h"

#include <gtest/gtest.h>

#include "parquet/nested_reader.h"
#include "parquet/page_checksum.h"
#include "parquet/reader.h"
#include "parquet/writer.h"
#include "test_batches.h"
#include "unit/parquet/nested_test_util.h"

namespace jsm::parquet {
namespace {

using testing::AppendStringList;
using testing::AppendStringMap;
using testing::ExpectNestedEqual;

/// A batch with a struct (holding a map and a list), a list of structs, a list
/// of lists, a required leaf and a flat nullable leaf; nulls and empties follow the row number.
NestedBatch SampleBatch(size_t rows) {
  NestedType info = StructType(
      "info", {LeafType("path", DataType::kString, false), LeafType("size", DataType::kInt64),
               MapType("tags", LeafType("key", DataType::kString, false), LeafType("value", DataType::kString)),
               ListType("columns", LeafType("element", DataType::kString))});
  NestedType points = ListType("points", StructType("element", {LeafType("x", DataType::kDouble),
                                                                LeafType("ok", DataType::kBoolean)}));
  NestedType grid = ListType("grid", ListType("element", LeafType("element", DataType::kInt32)));
  NestedBatch batch = MakeNestedBatch({LeafType("id", DataType::kInt64, false), info, points, grid,
                                       LeafType("note", DataType::kString)});
  for (size_t r = 0; r < rows; ++r) {
    const int64_t i = static_cast<int64_t>(r);
    batch.columns[0].values.AppendInt(i);
    // info
    NestedColumn& c = batch.columns[1];
    if (i % 4 == 3) {
      AppendNestedNull(info, &c);
    } else {
      AppendStructSlot(&c);
      c.children[0].values.AppendString("part-" + std::to_string(i) + ".parquet");
      if (i % 5 == 0) {
        c.children[1].values.AppendNull();
      } else {
        c.children[1].values.AppendInt(i * 1000);
      }
      std::vector<std::pair<std::string, std::optional<std::string>>> tags;
      for (int64_t j = 0; j < i % 3; ++j) {
        tags.emplace_back("k" + std::to_string(j), j == 1 ? std::nullopt : std::optional("v" + std::to_string(i)));
      }
      AppendStringMap(info.children[2], &c.children[2], i % 7 == 0 ? std::nullopt : std::optional(tags));
      std::vector<std::optional<std::string>> columns;
      for (int64_t j = 0; j < i % 4; ++j) columns.emplace_back(j == 2 ? std::nullopt : std::optional("c" + std::to_string(j)));
      AppendStringList(info.children[3], &c.children[3], i % 6 == 1 ? std::nullopt : std::optional(columns));
    }
    // points
    NestedColumn& p = batch.columns[2];
    if (i % 5 == 4) {
      AppendNestedNull(points, &p);
    } else {
      NestedColumn& element = p.children[0];
      for (int64_t j = 0; j < i % 3; ++j) {
        if (j == 1 && i % 2 == 0) {
          AppendNestedNull(points.children[0], &element);
          continue;
        }
        AppendStructSlot(&element);
        element.children[0].values.AppendDouble(static_cast<double>(i) + 0.5 * static_cast<double>(j));
        if (j == 0 && i % 3 == 0) {
          element.children[1].values.AppendNull();
        } else {
          element.children[1].values.AppendInt((i + j) % 2);
        }
      }
      CloseListSlot(points, &p);
    }
    // grid
    NestedColumn& g = batch.columns[3];
    if (i % 6 == 5) {
      AppendNestedNull(grid, &g);
    } else {
      NestedColumn& inner = g.children[0];
      for (int64_t j = 0; j < i % 3; ++j) {
        if (j == 1 && i % 4 == 0) {
          AppendNestedNull(grid.children[0], &inner);
          continue;
        }
        for (int64_t k = 0; k < j; ++k) {
          if (k == 1) {
            inner.children[0].values.AppendNull();
          } else {
            inner.children[0].values.AppendInt(static_cast<int32_t>(i * 10 + j + k));
          }
        }
        CloseListSlot(grid.children[0], &inner);
      }
      CloseListSlot(grid, &g);
    }
    if (i % 3 == 0) {
      batch.columns[4].values.AppendNull();
    } else {
      batch.columns[4].values.AppendString("n" + std::to_string(i));
    }
  }
  batch.num_rows = rows;
  return batch;
}

void ExpectBatchEqual(const NestedBatch& expected, const NestedBatch& actual) {
  ASSERT_EQ(expected.fields, actual.fields);
  ASSERT_EQ(expected.num_rows, actual.num_rows);
  for (size_t i = 0; i < expected.fields.size(); ++i) {
    ExpectNestedEqual(expected.fields[i], expected.columns[i], actual.columns[i], expected.fields[i].name);
  }
}

TEST(NestedWriter, StructListAndMapColumnsRoundTrip) {
  for (Compression compression : {Compression::kUncompressed, Compression::kSnappy, Compression::kZstd}) {
    NestedBatch batch = SampleBatch(200);
    WriterOptions options;
    options.compression = compression;
    std::string file;
    ASSERT_TRUE(WriteNestedParquet(batch, options, &file));
    auto read = ReadNestedParquet(file, {}, "roundtrip.parquet");
    ASSERT_TRUE(read) << read.error().ToString();
    ExpectBatchEqual(batch, *read);
  }
}

TEST(NestedWriter, ManyPagesRoundTripWithRecordsNeverSplit) {
  // Enough string bytes for several 1 MiB pages per leaf.
  NestedBatch batch = SampleBatch(70000);
  std::string file;
  ASSERT_TRUE(WriteNestedParquet(batch, WriterOptions{}, &file));
  auto read = ReadNestedParquet(file, {}, "pages.parquet");
  ASSERT_TRUE(read) << read.error().ToString();
  ExpectBatchEqual(batch, *read);
}

TEST(NestedWriter, EveryPageCarriesItsCrc32AndAFlippedByteIsCorruption) {
  // Delta checkpoints are written by this writer: their pages carry checksums too.
  NestedBatch batch = SampleBatch(300);
  WriterOptions options;
  options.compression = Compression::kUncompressed;
  std::string file;
  ASSERT_TRUE(WriteNestedParquet(batch, options, &file));
  std::vector<testing::StoredPage> pages = testing::StoredPages(file);
  ASSERT_GT(pages.size(), 5u);
  for (const testing::StoredPage& page : pages) {
    ASSERT_TRUE(page.header.crc) << page.column;
    const size_t size = static_cast<size_t>(page.header.compressed_page_size);
    EXPECT_EQ(static_cast<uint32_t>(*page.header.crc), PageChecksum(std::string_view(file).substr(page.data_offset, size)));
    std::string damaged = file;
    damaged[page.data_offset + size / 2] = static_cast<char>(damaged[page.data_offset + size / 2] ^ 0x04);
    auto read = ReadNestedParquet(damaged, {}, "checkpoint.parquet");
    ASSERT_FALSE(read) << page.column;
    EXPECT_EQ(read.error().code(), ErrorCode::kCorruption);
    EXPECT_NE(read.error().message().find("checkpoint.parquet: row group 0, column '" + page.column + "', page " + std::to_string(page.index)),
              std::string::npos)
        << read.error().message();
  }
}

TEST(NestedWriter, EmptyBatchWritesAReadableFileWithoutRowGroups) {
  NestedBatch batch = SampleBatch(0);
  std::string file;
  ASSERT_TRUE(WriteNestedParquet(batch, WriterOptions{}, &file));
  auto read = ReadNestedParquet(file, {}, "empty.parquet");
  ASSERT_TRUE(read) << read.error().ToString();
  EXPECT_EQ(read->num_rows, 0u);
  EXPECT_EQ(read->fields, batch.fields);
}

TEST(NestedWriter, FlatSchemaIsReadableByTheFlatReader) {
  NestedBatch batch = MakeNestedBatch({LeafType("a", DataType::kInt64, false), LeafType("b", DataType::kString)});
  for (int i = 0; i < 10; ++i) {
    batch.columns[0].values.AppendInt(i);
    if (i % 2) {
      batch.columns[1].values.AppendNull();
    } else {
      batch.columns[1].values.AppendString("x" + std::to_string(i));
    }
  }
  batch.num_rows = 10;
  std::string file;
  ASSERT_TRUE(WriteNestedParquet(batch, WriterOptions{}, &file));
  auto flat = ReadParquet(file, {}, "flat.parquet");
  ASSERT_TRUE(flat) << flat.error().ToString();
  ASSERT_EQ(flat->num_rows(), 10u);
  EXPECT_EQ(flat->column(0).IntAt(7), 7);
  EXPECT_TRUE(flat->column(1).IsNull(3));
  EXPECT_EQ(flat->column(1).StringAt(4), "x4");
}

TEST(NestedWriter, NullInNonNullableFieldIsInvalidArgument) {
  NestedType s = StructType("s", {LeafType("a", DataType::kInt64, false)});
  NestedBatch batch = MakeNestedBatch({s});
  AppendStructSlot(&batch.columns[0]);
  batch.columns[0].children[0].values.AppendNull();
  batch.num_rows = 1;
  std::string file;
  auto status = WriteNestedParquet(batch, WriterOptions{}, &file);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), ErrorCode::kInvalidArgument);
}

TEST(NestedWriter, MisshapenColumnIsInvalidArgument) {
  NestedType l = ListType("l", LeafType("element", DataType::kInt64));
  NestedBatch batch = MakeNestedBatch({l});
  batch.columns[0].children[0].values.AppendInt(1);
  batch.columns[0].validity.push_back(1);
  batch.columns[0].offsets.push_back(5);  // beyond the one element
  batch.num_rows = 1;
  std::string file;
  auto status = WriteNestedParquet(batch, WriterOptions{}, &file);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), ErrorCode::kInvalidArgument);
}

TEST(NestedWriter, ListsAndMapsUseTheStandardThreeLevelLayout) {
  NestedBatch batch = SampleBatch(3);
  std::string file;
  ASSERT_TRUE(WriteNestedParquet(batch, WriterOptions{}, &file));
  auto schema = ReadNestedParquetSchema(file, "layout.parquet");
  ASSERT_TRUE(schema);
  EXPECT_EQ(*schema, batch.fields);
}

}  // namespace
}  // namespace jsm::parquet
