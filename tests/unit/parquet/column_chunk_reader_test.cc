#include "parquet/column_chunk_reader.h"

#include <gtest/gtest.h>

#include <string>

#include "parquet/column_chunk_writer.h"
#include "parquet/little_endian.h"
#include "parquet/page_header.h"
#include "parquet/rle.h"
#include "unit/parquet/test_batches.h"

namespace jsm::parquet {
namespace {

using testing::AllTypesBatch;

TEST(ColumnChunkReader, DecodesWhatColumnChunkWriterWroteForEveryType) {
  RecordBatch batch = AllTypesBatch(3000);
  for (Compression compression : {Compression::kUncompressed, Compression::kSnappy, Compression::kZstd}) {
    for (bool dictionary : {true, false}) {
      WriterOptions options;
      options.compression = compression;
      options.dictionary = dictionary;
      ColumnChunkWriter writer(options);
      for (size_t c = 0; c < batch.num_columns(); ++c) {
        const Field& field = batch.schema().fields[c];
        std::string file = "PAR1";
        auto chunk = writer.Write(field, batch.column(c), 1000, 3000, &file);
        ASSERT_TRUE(chunk) << chunk.error().ToString();
        auto element = SchemaElementsFor(Schema{{field}});
        ASSERT_TRUE(element);
        auto leaf = LeafColumnFor((*element)[1]);
        ASSERT_TRUE(leaf);
        ColumnChunkReader reader(file, "chunk.parquet", file.size());
        Column out(field.type);
        Status status = reader.Read(*chunk, *leaf, 2000, &out);
        ASSERT_TRUE(status) << field.name << ": " << status.error().ToString();
        ASSERT_EQ(out.size(), 2000u);
        for (size_t r = 0; r < 2000; ++r) {
          const Column& in = batch.column(c);
          ASSERT_EQ(out.IsNull(r), in.IsNull(r + 1000)) << field.name << " row " << r;
          if (in.IsNull(r + 1000)) continue;
          if (field.type == DataType::kString) {
            ASSERT_EQ(out.StringAt(r), in.StringAt(r + 1000));
          } else if (field.type == DataType::kDouble) {
            ASSERT_EQ(out.DoubleAt(r), in.DoubleAt(r + 1000));
          } else {
            ASSERT_EQ(out.IntAt(r), in.IntAt(r + 1000));
          }
        }
      }
    }
  }
}

/// A column chunk assembled page by page, for pages our writer never makes.
class HandMadeChunk {
 public:
  explicit HandMadeChunk(PhysicalType type, CompressionCodec codec = CompressionCodec::kUncompressed) {
    file_ = "PAR1";
    ColumnMetaData& md = chunk_.meta_data.emplace();
    md.type = type;
    md.codec = codec;
    md.path_in_schema = {"c"};
    md.data_page_offset = 4;
  }

  void AddPage(PageHeader header, const std::string& payload) {
    header.compressed_page_size = static_cast<int32_t>(payload.size());
    if (header.uncompressed_page_size == 0) header.uncompressed_page_size = header.compressed_page_size;
    SerializePageHeader(header, &file_);
    file_ += payload;
    if (header.data_page_header) chunk_.meta_data->num_values += header.data_page_header->num_values;
    if (header.data_page_header_v2) chunk_.meta_data->num_values += header.data_page_header_v2->num_values;
    chunk_.meta_data->total_compressed_size = static_cast<int64_t>(file_.size() - 4);
  }

  Result<Column> Read(const LeafColumn& leaf, int64_t rows) {
    ColumnChunkReader reader(file_, "hand.parquet", file_.size());
    Column out(leaf.field.type);
    JSM_RETURN_IF_ERROR(reader.Read(chunk_, leaf, rows, &out));
    return out;
  }

  ColumnChunk& chunk() { return chunk_; }
  std::string& file() { return file_; }

 private:
  std::string file_;
  ColumnChunk chunk_;
};

LeafColumn Leaf(DataType type, PhysicalType physical, bool nullable) {
  LeafColumn leaf;
  leaf.field = Field{"c", type, nullable};
  leaf.physical_type = physical;
  return leaf;
}

PageHeader DataPage(int32_t values, Encoding encoding) {
  PageHeader h;
  h.type = PageType::kDataPage;
  h.data_page_header = DataPageHeader{values, encoding, Encoding::kRle, Encoding::kRle};
  return h;
}

std::string Levels(std::vector<uint8_t> levels, bool length_prefix) {
  std::string rle;
  AppendRleBitPacked(levels, 1, &rle);
  std::string out;
  if (length_prefix) AppendLe(&out, static_cast<uint32_t>(rle.size()));
  return out + rle;
}

TEST(ColumnChunkReader, DecodesV2PageWithUncompressedValuesInASnappyChunk) {
  HandMadeChunk chunk(PhysicalType::kInt32, CompressionCodec::kSnappy);
  std::string levels = Levels({1, 0, 1}, false);
  std::string values;
  AppendLe<int32_t>(&values, -7);
  AppendLe<int32_t>(&values, 9);
  PageHeader h;
  h.type = PageType::kDataPageV2;
  h.data_page_header_v2 = DataPageHeaderV2{
      3, 1, 3, Encoding::kPlain, static_cast<int32_t>(levels.size()), 0, /*is_compressed=*/false};
  chunk.AddPage(h, levels + values);
  auto column = chunk.Read(Leaf(DataType::kInt32, PhysicalType::kInt32, true), 3);
  ASSERT_TRUE(column) << column.error().ToString();
  EXPECT_EQ(column->IntAt(0), -7);
  EXPECT_TRUE(column->IsNull(1));
  EXPECT_EQ(column->IntAt(2), 9);
}

TEST(ColumnChunkReader, V2NullCountMustMatchTheLevels) {
  HandMadeChunk chunk(PhysicalType::kInt32);
  std::string levels = Levels({1, 0, 1}, false);
  std::string values(8, '\0');
  PageHeader h;
  h.type = PageType::kDataPageV2;
  h.data_page_header_v2 =
      DataPageHeaderV2{3, 0, 3, Encoding::kPlain, static_cast<int32_t>(levels.size()), 0, true};
  chunk.AddPage(h, levels + values);
  auto column = chunk.Read(Leaf(DataType::kInt32, PhysicalType::kInt32, true), 3);
  ASSERT_FALSE(column);
  EXPECT_EQ(column.error().code(), ErrorCode::kCorruption);
}

TEST(ColumnChunkReader, DecodesRleEncodedBooleans) {
  HandMadeChunk chunk(PhysicalType::kBoolean);
  chunk.AddPage(DataPage(10, Encoding::kRle), Levels({1, 1, 1, 1, 1, 1, 1, 1, 1, 0}, true));
  auto column = chunk.Read(Leaf(DataType::kBoolean, PhysicalType::kBoolean, false), 10);
  ASSERT_TRUE(column) << column.error().ToString();
  EXPECT_EQ(column->IntAt(0), 1);
  EXPECT_EQ(column->IntAt(9), 0);
}

TEST(ColumnChunkReader, DecodesPlainDictionaryEncodingOfOlderWriters) {
  HandMadeChunk chunk(PhysicalType::kDouble);
  PageHeader dict;
  dict.type = PageType::kDictionaryPage;
  dict.dictionary_page_header = DictionaryPageHeader{2, Encoding::kPlainDictionary, std::nullopt};
  std::string entries;
  AppendLe(&entries, 1.5);
  AppendLe(&entries, -2.5);
  chunk.AddPage(dict, entries);
  std::string indices(1, '\1');
  std::vector<uint32_t> ids = {1, 0, 1};
  AppendRleBitPacked(ids, 1, &indices);
  chunk.AddPage(DataPage(3, Encoding::kPlainDictionary), indices);
  auto column = chunk.Read(Leaf(DataType::kDouble, PhysicalType::kDouble, false), 3);
  ASSERT_TRUE(column) << column.error().ToString();
  EXPECT_EQ(column->DoubleAt(0), -2.5);
  EXPECT_EQ(column->DoubleAt(1), 1.5);
}

TEST(ColumnChunkReader, DictionaryIndexBeyondTheDictionaryIsCorruption) {
  HandMadeChunk chunk(PhysicalType::kInt64);
  PageHeader dict;
  dict.type = PageType::kDictionaryPage;
  dict.dictionary_page_header = DictionaryPageHeader{1, Encoding::kPlain, std::nullopt};
  std::string entry;
  AppendLe<int64_t>(&entry, 5);
  chunk.AddPage(dict, entry);
  std::string indices(1, '\2');
  std::vector<uint32_t> ids = {0, 3};
  AppendRleBitPacked(ids, 2, &indices);
  chunk.AddPage(DataPage(2, Encoding::kRleDictionary), indices);
  auto column = chunk.Read(Leaf(DataType::kInt64, PhysicalType::kInt64, false), 2);
  ASSERT_FALSE(column);
  EXPECT_EQ(column.error().code(), ErrorCode::kCorruption);
  EXPECT_NE(column.error().message().find("hand.parquet"), std::string::npos);
  EXPECT_NE(column.error().message().find("byte offset"), std::string::npos);
}

TEST(ColumnChunkReader, DictionaryPageAfterADataPageIsCorruption) {
  HandMadeChunk chunk(PhysicalType::kInt64);
  std::string value;
  AppendLe<int64_t>(&value, 1);
  chunk.AddPage(DataPage(1, Encoding::kPlain), value);
  PageHeader dict;
  dict.type = PageType::kDictionaryPage;
  dict.dictionary_page_header = DictionaryPageHeader{1, Encoding::kPlain, std::nullopt};
  chunk.AddPage(dict, value);
  chunk.AddPage(DataPage(1, Encoding::kPlain), value);
  auto column = chunk.Read(Leaf(DataType::kInt64, PhysicalType::kInt64, false), 2);
  ASSERT_FALSE(column);
  EXPECT_EQ(column.error().code(), ErrorCode::kCorruption);
}

TEST(ColumnChunkReader, DictionaryEncodedPageWithoutDictionaryIsCorruption) {
  HandMadeChunk chunk(PhysicalType::kInt64);
  chunk.AddPage(DataPage(1, Encoding::kRleDictionary), std::string("\x01\x02\x00", 3));
  EXPECT_EQ(chunk.Read(Leaf(DataType::kInt64, PhysicalType::kInt64, false), 1).error().code(),
            ErrorCode::kCorruption);
}

TEST(ColumnChunkReader, ChunkEndingBeforeAllValuesIsCorruption) {
  HandMadeChunk chunk(PhysicalType::kInt64);
  std::string value;
  AppendLe<int64_t>(&value, 1);
  chunk.AddPage(DataPage(1, Encoding::kPlain), value);
  chunk.chunk().meta_data->num_values = 2;
  auto column = chunk.Read(Leaf(DataType::kInt64, PhysicalType::kInt64, false), 2);
  ASSERT_FALSE(column);
  EXPECT_EQ(column.error().code(), ErrorCode::kCorruption);
}

TEST(ColumnChunkReader, PageWithMoreValuesThanTheChunkIsCorruption) {
  HandMadeChunk chunk(PhysicalType::kInt64);
  chunk.AddPage(DataPage(2, Encoding::kPlain), std::string(16, '\0'));
  chunk.chunk().meta_data->num_values = 1;
  EXPECT_EQ(chunk.Read(Leaf(DataType::kInt64, PhysicalType::kInt64, false), 1).error().code(),
            ErrorCode::kCorruption);
}

TEST(ColumnChunkReader, ChunkOutsideTheDataRegionIsCorruption) {
  HandMadeChunk chunk(PhysicalType::kInt64);
  chunk.AddPage(DataPage(1, Encoding::kPlain), std::string(8, '\0'));
  chunk.chunk().meta_data->total_compressed_size += 1;
  auto column = chunk.Read(Leaf(DataType::kInt64, PhysicalType::kInt64, false), 1);
  ASSERT_FALSE(column);
  EXPECT_EQ(column.error().code(), ErrorCode::kCorruption);
  EXPECT_NE(column.error().message().find("byte offset 4"), std::string::npos) << column.error().message();
}

TEST(ColumnChunkReader, TypeMismatchWithSchemaIsCorruption) {
  HandMadeChunk chunk(PhysicalType::kInt32);
  chunk.AddPage(DataPage(1, Encoding::kPlain), std::string(4, '\0'));
  EXPECT_EQ(chunk.Read(Leaf(DataType::kInt64, PhysicalType::kInt64, false), 1).error().code(),
            ErrorCode::kCorruption);
}

TEST(ColumnChunkReader, UnsupportedEncodingsAndCodecsAreUnsupported) {
  HandMadeChunk delta(PhysicalType::kInt64);
  delta.AddPage(DataPage(1, Encoding::kByteStreamSplit), std::string(8, '\0'));
  EXPECT_EQ(delta.Read(Leaf(DataType::kInt64, PhysicalType::kInt64, false), 1).error().code(),
            ErrorCode::kUnsupported);
  HandMadeChunk lz4(PhysicalType::kInt64, CompressionCodec::kLz4Raw);
  lz4.AddPage(DataPage(1, Encoding::kPlain), std::string(8, '\0'));
  EXPECT_EQ(lz4.Read(Leaf(DataType::kInt64, PhysicalType::kInt64, false), 1).error().code(),
            ErrorCode::kUnsupported);
}

TEST(ColumnChunkReader, MillisecondTimestampsAreScaledWithOverflowCheck) {
  HandMadeChunk chunk(PhysicalType::kInt64);
  std::string values;
  AppendLe<int64_t>(&values, 1700000000123);
  chunk.AddPage(DataPage(1, Encoding::kPlain), values);
  LeafColumn leaf = Leaf(DataType::kTimestamp, PhysicalType::kInt64, false);
  leaf.int_multiplier = 1000;
  auto column = chunk.Read(leaf, 1);
  ASSERT_TRUE(column);
  EXPECT_EQ(column->IntAt(0), 1700000000123000);

  HandMadeChunk huge(PhysicalType::kInt64);
  std::string big;
  AppendLe<int64_t>(&big, INT64_MAX / 10);
  huge.AddPage(DataPage(1, Encoding::kPlain), big);
  EXPECT_EQ(huge.Read(leaf, 1).error().code(), ErrorCode::kCorruption);
}

TEST(ColumnChunkReader, SkipsIndexPages) {
  HandMadeChunk chunk(PhysicalType::kInt64);
  PageHeader index;
  index.type = PageType::kIndexPage;
  chunk.AddPage(index, "idx");
  std::string value;
  AppendLe<int64_t>(&value, 3);
  chunk.AddPage(DataPage(1, Encoding::kPlain), value);
  auto column = chunk.Read(Leaf(DataType::kInt64, PhysicalType::kInt64, false), 1);
  ASSERT_TRUE(column) << column.error().ToString();
  EXPECT_EQ(column->IntAt(0), 3);
}

}  // namespace
}  // namespace jsm::parquet
