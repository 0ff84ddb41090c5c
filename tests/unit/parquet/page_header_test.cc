#include "parquet/page_header.h"

#include <gtest/gtest.h>

#include <string>

#include "parquet/thrift_compact.h"

namespace jsm::parquet {
namespace {

TEST(PageHeader, DataPageHeaderRoundTripsAndReportsItsSize) {
  PageHeader h;
  h.type = PageType::kDataPage;
  h.uncompressed_page_size = 1 << 20;
  h.compressed_page_size = 12345;
  h.data_page_header = DataPageHeader{131072, Encoding::kRleDictionary, Encoding::kRle, Encoding::kRle};
  std::string bytes;
  SerializePageHeader(h, &bytes);
  std::string with_payload = bytes + "payload";
  auto parsed = ParsePageHeader(with_payload, 0);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->header, h);
  EXPECT_EQ(parsed->size, bytes.size());
}

TEST(PageHeader, DictionaryAndV2HeadersRoundTrip) {
  PageHeader dict;
  dict.type = PageType::kDictionaryPage;
  dict.uncompressed_page_size = 10;
  dict.compressed_page_size = 10;
  dict.crc = -5;
  dict.dictionary_page_header = DictionaryPageHeader{3, Encoding::kPlain, true};
  PageHeader v2;
  v2.type = PageType::kDataPageV2;
  v2.uncompressed_page_size = 100;
  v2.compressed_page_size = 80;
  v2.data_page_header_v2 = DataPageHeaderV2{10, 2, 10, Encoding::kPlain, 3, 0, false};
  for (const PageHeader& h : {dict, v2}) {
    std::string bytes;
    SerializePageHeader(h, &bytes);
    auto parsed = ParsePageHeader(bytes, 0);
    ASSERT_TRUE(parsed) << parsed.error().ToString();
    EXPECT_EQ(parsed->header, h);
  }
}

TEST(PageHeader, V2IsCompressedDefaultsToTrue) {
  std::string bytes;
  ThriftCompactWriter w(&bytes);
  w.WriteI32Field(1, static_cast<int32_t>(PageType::kDataPageV2));
  w.WriteI32Field(2, 5);
  w.WriteI32Field(3, 5);
  w.BeginStructField(8);
  for (int16_t id = 1; id <= 6; ++id) w.WriteI32Field(id, 0);
  w.EndStruct();
  w.EndStruct();
  auto parsed = ParsePageHeader(bytes, 0);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_TRUE(parsed->header.data_page_header_v2->is_compressed);
}

TEST(PageHeader, SkipsPageStatisticsAndUnknownFields) {
  std::string bytes;
  ThriftCompactWriter w(&bytes);
  w.WriteI32Field(1, 0);
  w.WriteI32Field(2, 8);
  w.WriteI32Field(3, 8);
  w.BeginStructField(5);
  w.WriteI32Field(1, 2);
  w.WriteI32Field(2, 0);
  w.WriteI32Field(3, 3);
  w.WriteI32Field(4, 3);
  w.BeginStructField(5);  // page statistics
  w.WriteBinaryField(5, "max");
  w.WriteBinaryField(6, "min");
  w.EndStruct();
  w.EndStruct();
  w.BeginStructField(9);  // a future field
  w.WriteI64Field(1, 1);
  w.EndStruct();
  w.EndStruct();
  auto parsed = ParsePageHeader(bytes, 0);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->header.data_page_header->num_values, 2);
  EXPECT_EQ(parsed->size, bytes.size());
}

PageHeader Valid() {
  PageHeader h;
  h.uncompressed_page_size = 4;
  h.compressed_page_size = 4;
  h.data_page_header = DataPageHeader{1, Encoding::kPlain, Encoding::kRle, Encoding::kRle};
  return h;
}

TEST(PageHeader, InconsistentHeadersAreCorruption) {
  PageHeader negative = Valid();
  negative.compressed_page_size = -1;
  PageHeader missing = Valid();
  missing.type = PageType::kDictionaryPage;
  PageHeader negative_values = Valid();
  negative_values.data_page_header->num_values = -3;
  PageHeader too_many_nulls;
  too_many_nulls.type = PageType::kDataPageV2;
  too_many_nulls.data_page_header_v2 = DataPageHeaderV2{1, 2, 1, Encoding::kPlain, 0, 0, true};
  for (const PageHeader& h : {negative, missing, negative_values, too_many_nulls}) {
    std::string bytes;
    SerializePageHeader(h, &bytes);
    auto parsed = ParsePageHeader(bytes, 7000);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().code(), ErrorCode::kCorruption);
    EXPECT_NE(parsed.error().message().find("byte offset 70"), std::string::npos) << parsed.error().message();
  }
}

TEST(PageHeader, TruncationAtEveryLengthIsCorruption) {
  std::string bytes;
  SerializePageHeader(Valid(), &bytes);
  for (size_t length = 0; length < bytes.size(); ++length) {
    auto parsed = ParsePageHeader(std::string_view(bytes).substr(0, length), 0);
    ASSERT_FALSE(parsed) << length;
    EXPECT_EQ(parsed.error().code(), ErrorCode::kCorruption);
  }
}

}  // namespace
}  // namespace jsm::parquet
