#include "delta/path_encoding.h"

#include <gtest/gtest.h>

namespace jsm::delta {
namespace {

TEST(PathEncoding, SafePathsAreUnchanged) {
  const std::string path = "date=2024-01-02/part-00000-1a2b-c000.zstd.parquet";
  EXPECT_EQ(EncodePath(path), path);
  EXPECT_EQ(*DecodePath(path), path);
}

TEST(PathEncoding, SpacesPercentAndColonsAreEscapedAndDecodedBack) {
  const std::string path = "ts=2020-01-01 00%3A00/f:1.parquet";
  const std::string encoded = EncodePath(path);
  EXPECT_EQ(encoded, "ts=2020-01-01%2000%253A00/f%3A1.parquet");
  EXPECT_EQ(*DecodePath(encoded), path);
}

TEST(PathEncoding, Utf8BytesAreEscapedPerByte) {
  EXPECT_EQ(EncodePath("caf\xc3\xa9"), "caf%C3%A9");
  EXPECT_EQ(*DecodePath("caf%c3%a9"), "caf\xc3\xa9");
}

TEST(PathEncoding, MalformedEscapesAreCorruption) {
  EXPECT_EQ(DecodePath("a%2").error().code(), ErrorCode::kCorruption);
  EXPECT_EQ(DecodePath("a%zz").error().code(), ErrorCode::kCorruption);
  EXPECT_EQ(DecodePath("%").error().code(), ErrorCode::kCorruption);
}

}  // namespace
}  // namespace jsm::delta
