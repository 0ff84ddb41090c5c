#include "parquet/column_chunk_writer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parquet/page_header.h"

namespace jsm::parquet {
namespace {

/// The page headers of the chunk that starts at `start` in `file`.
std::vector<PageHeader> Pages(const std::string& file, const ColumnChunk& chunk) {
  std::vector<PageHeader> pages;
  const ColumnMetaData& md = *chunk.meta_data;
  size_t pos = static_cast<size_t>(md.dictionary_page_offset.value_or(md.data_page_offset));
  size_t end = pos + static_cast<size_t>(md.total_compressed_size);
  while (pos < end) {
    auto parsed = ParsePageHeader(std::string_view(file).substr(pos, end - pos), pos);
    EXPECT_TRUE(parsed) << parsed.error().ToString();
    if (!parsed) break;
    pages.push_back(parsed->header);
    pos += parsed->size + static_cast<size_t>(parsed->header.compressed_page_size);
  }
  EXPECT_EQ(pos, end);
  return pages;
}

WriterOptions Uncompressed() {
  WriterOptions options;
  options.compression = Compression::kUncompressed;
  return options;
}

TEST(ColumnChunkWriter, LowCardinalityStringsGetADictionaryPageAndDictionaryIndices) {
  Column column(DataType::kString);
  for (int i = 0; i < 1000; ++i) {
    if (i % 10 == 0)
      column.AppendNull();
    else
      column.AppendString(i % 3 == 0 ? "x" : "y");
  }
  ColumnChunkWriter writer(Uncompressed());
  std::string file = "PAR1";
  auto chunk = writer.Write(Field{"s", DataType::kString, true}, column, 0, 1000, &file);
  ASSERT_TRUE(chunk) << chunk.error().ToString();
  const ColumnMetaData& md = *chunk->meta_data;
  EXPECT_EQ(md.dictionary_page_offset, 4);
  EXPECT_EQ(chunk->file_offset, 4);
  EXPECT_EQ(md.encodings,
            (std::vector<Encoding>{Encoding::kPlain, Encoding::kRle, Encoding::kRleDictionary}));
  std::vector<PageHeader> pages = Pages(file, *chunk);
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[0].type, PageType::kDictionaryPage);
  EXPECT_EQ(pages[0].dictionary_page_header->num_values, 2);
  EXPECT_EQ(pages[0].dictionary_page_header->encoding, Encoding::kPlain);
  EXPECT_EQ(pages[1].data_page_header->encoding, Encoding::kRleDictionary);
  EXPECT_EQ(pages[1].data_page_header->num_values, 1000);
  EXPECT_EQ(md.statistics->null_count, 100);
  EXPECT_EQ(md.statistics->min_value, "x");
  EXPECT_EQ(md.statistics->max_value, "y");
}

TEST(ColumnChunkWriter, TooManyDistinctStringsFallBackToPlain) {
  Column column(DataType::kString);
  size_t rows = kMaxDictionaryEntries + 10;
  for (size_t i = 0; i < rows; ++i) column.AppendString(std::to_string(i));
  ColumnChunkWriter writer(Uncompressed());
  std::string file = "PAR1";
  auto chunk = writer.Write(Field{"s", DataType::kString, false}, column, 0, rows, &file);
  ASSERT_TRUE(chunk);
  EXPECT_FALSE(chunk->meta_data->dictionary_page_offset);
  EXPECT_EQ(chunk->meta_data->encodings, (std::vector<Encoding>{Encoding::kPlain, Encoding::kRle}));
  for (const PageHeader& page : Pages(file, *chunk))
    EXPECT_EQ(page.data_page_header->encoding, Encoding::kPlain);
  EXPECT_EQ(chunk->meta_data->statistics->min_value, "0");
  EXPECT_EQ(chunk->meta_data->statistics->max_value, "9999");
}

TEST(ColumnChunkWriter, TooLargeDictionaryFallsBackToPlain) {
  Column column(DataType::kString);
  for (int i = 0; i < 12; ++i) column.AppendString(std::string(100000, static_cast<char>('a' + i)));
  ColumnChunkWriter writer(Uncompressed());
  std::string file;
  auto chunk = writer.Write(Field{"s", DataType::kString, true}, column, 0, 12, &file);
  ASSERT_TRUE(chunk);
  EXPECT_FALSE(chunk->meta_data->dictionary_page_offset);
}

TEST(ColumnChunkWriter, DictionaryOptionOffWritesPlain) {
  Column column(DataType::kString);
  for (int i = 0; i < 100; ++i) column.AppendString("same");
  WriterOptions options = Uncompressed();
  options.dictionary = false;
  ColumnChunkWriter writer(options);
  std::string file;
  auto chunk = writer.Write(Field{"s", DataType::kString, true}, column, 0, 100, &file);
  ASSERT_TRUE(chunk);
  EXPECT_FALSE(chunk->meta_data->dictionary_page_offset);
}

TEST(ColumnChunkWriter, SplitsDataPagesAtAboutOneMebibyte) {
  Column column(DataType::kInt64);
  for (int64_t i = 0; i < 300000; ++i) column.AppendInt(i);
  ColumnChunkWriter writer(Uncompressed());
  std::string file;
  auto chunk = writer.Write(Field{"i", DataType::kInt64, false}, column, 0, 300000, &file);
  ASSERT_TRUE(chunk);
  std::vector<PageHeader> pages = Pages(file, *chunk);
  ASSERT_EQ(pages.size(), 3u);
  int64_t values = 0;
  for (const PageHeader& page : pages) {
    EXPECT_LE(static_cast<size_t>(page.uncompressed_page_size), kDataPageBytes);
    values += page.data_page_header->num_values;
  }
  EXPECT_EQ(values, 300000);
  EXPECT_EQ(pages[0].uncompressed_page_size, static_cast<int32_t>(kDataPageBytes));  // required: no levels
}

TEST(ColumnChunkWriter, SplitsPlainStringPagesByBytes) {
  Column column(DataType::kString);
  std::string value(1000, 'v');
  for (int i = 0; i < 3000; ++i) column.AppendString(value + std::to_string(i));
  WriterOptions options = Uncompressed();
  options.dictionary = false;
  ColumnChunkWriter writer(options);
  std::string file;
  auto chunk = writer.Write(Field{"s", DataType::kString, true}, column, 0, 3000, &file);
  ASSERT_TRUE(chunk);
  std::vector<PageHeader> pages = Pages(file, *chunk);
  ASSERT_EQ(pages.size(), 3u);
  EXPECT_LE(static_cast<size_t>(pages[0].uncompressed_page_size), kDataPageBytes + 2000);
}

TEST(ColumnChunkWriter, ChunkSizesAddUpToTheBytesAppended) {
  Column column(DataType::kDouble);
  for (int i = 0; i < 5000; ++i) column.AppendDouble(i * 0.25);
  for (Compression compression : {Compression::kUncompressed, Compression::kSnappy, Compression::kZstd}) {
    WriterOptions options;
    options.compression = compression;
    ColumnChunkWriter writer(options);
    std::string file = "PAR1";
    auto chunk = writer.Write(Field{"d", DataType::kDouble, true}, column, 100, 5000, &file);
    ASSERT_TRUE(chunk);
    EXPECT_EQ(chunk->meta_data->total_compressed_size, static_cast<int64_t>(file.size() - 4));
    EXPECT_EQ(chunk->meta_data->codec, CodecFor(compression));
    EXPECT_EQ(chunk->meta_data->num_values, 4900);
    if (compression == Compression::kUncompressed) {
      EXPECT_EQ(chunk->meta_data->total_uncompressed_size, chunk->meta_data->total_compressed_size);
    } else {
      EXPECT_LT(chunk->meta_data->total_compressed_size, chunk->meta_data->total_uncompressed_size);
    }
  }
}

TEST(ColumnChunkWriter, RequiredColumnPagesHoldNoDefinitionLevels) {
  Column column(DataType::kInt32);
  for (int i = 0; i < 3; ++i) column.AppendInt(i);
  ColumnChunkWriter writer(Uncompressed());
  std::string file;
  auto required = writer.Write(Field{"i", DataType::kInt32, false}, column, 0, 3, &file);
  ASSERT_TRUE(required);
  EXPECT_EQ(Pages(file, *required)[0].uncompressed_page_size, 12);
  file.clear();
  auto optional = writer.Write(Field{"i", DataType::kInt32, true}, column, 0, 3, &file);
  ASSERT_TRUE(optional);
  // 4-byte length + RLE run of three 1s (2 bytes) + 12 bytes of values.
  EXPECT_EQ(Pages(file, *optional)[0].uncompressed_page_size, 18);
}

TEST(ColumnChunkWriter, NullInRequiredFieldIsInvalidArgument) {
  Column column(DataType::kInt64);
  column.AppendInt(1);
  column.AppendNull();
  ColumnChunkWriter writer(Uncompressed());
  std::string file;
  auto chunk = writer.Write(Field{"amount", DataType::kInt64, false}, column, 0, 2, &file);
  ASSERT_FALSE(chunk);
  EXPECT_EQ(chunk.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(chunk.error().message().find("amount"), std::string::npos);
  EXPECT_NE(chunk.error().message().find("row 1"), std::string::npos);
}

TEST(ColumnChunkWriter, Int32ValueOutOfRangeIsInvalidArgument) {
  Column column(DataType::kInt32);
  column.AppendInt(int64_t{1} << 40);
  ColumnChunkWriter writer(Uncompressed());
  std::string file;
  auto chunk = writer.Write(Field{"i", DataType::kInt32, true}, column, 0, 1, &file);
  ASSERT_FALSE(chunk);
  EXPECT_EQ(chunk.error().code(), ErrorCode::kInvalidArgument);
}

TEST(ColumnChunkWriter, AllNullStringChunkIsPlainWithoutMinMax) {
  Column column(DataType::kString);
  for (int i = 0; i < 5; ++i) column.AppendNull();
  ColumnChunkWriter writer(Uncompressed());
  std::string file;
  auto chunk = writer.Write(Field{"s", DataType::kString, true}, column, 0, 5, &file);
  ASSERT_TRUE(chunk);
  EXPECT_FALSE(chunk->meta_data->dictionary_page_offset);
  EXPECT_EQ(chunk->meta_data->statistics->null_count, 5);
  EXPECT_FALSE(chunk->meta_data->statistics->min_value);
}

}  // namespace
}  // namespace jsm::parquet
