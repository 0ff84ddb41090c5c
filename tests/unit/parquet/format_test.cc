#include "parquet/format.h"

#include <gtest/gtest.h>

namespace jsm::parquet {
namespace {

TEST(FormatNames, SpellEnumValuesAsParquetThriftDoes) {
  EXPECT_EQ(CodecName(CompressionCodec::kZstd), "ZSTD");
  EXPECT_EQ(CodecName(static_cast<CompressionCodec>(42)), "UNKNOWN_CODEC");
  EXPECT_EQ(EncodingName(Encoding::kRleDictionary), "RLE_DICTIONARY");
  EXPECT_EQ(EncodingName(static_cast<Encoding>(1)), "UNKNOWN_ENCODING");
  EXPECT_EQ(PhysicalTypeName(PhysicalType::kFixedLenByteArray), "FIXED_LEN_BYTE_ARRAY");
}

TEST(FormatValues, MatchTheWireValuesOfParquetThrift) {
  EXPECT_EQ(static_cast<int>(PhysicalType::kByteArray), 6);
  EXPECT_EQ(static_cast<int>(ConvertedType::kTimestampMicros), 10);
  EXPECT_EQ(static_cast<int>(Encoding::kRleDictionary), 8);
  EXPECT_EQ(static_cast<int>(CompressionCodec::kZstd), 6);
  EXPECT_EQ(static_cast<int>(PageType::kDataPageV2), 3);
}

}  // namespace
}  // namespace jsm::parquet
