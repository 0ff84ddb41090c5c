#include "parquet/page_checksum.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

namespace jsm::parquet {
namespace {

TEST(PageChecksum, IsTheStandardCrc32) {
  // The check value of CRC-32 (polynomial 0x04C11DB7, reflected, as gzip and zlib compute it).
  EXPECT_EQ(PageChecksum("123456789"), 0xCBF43926u);
  EXPECT_EQ(PageChecksum(""), 0u);
  EXPECT_EQ(PageChecksum(std::string("\0", 1)), 0xD202EF8Du);
}

TEST(PageChecksum, FieldKeepsTheSame32Bits) {
  EXPECT_EQ(PageChecksumField(0xCBF43926u), static_cast<int32_t>(0xCBF43926u));
  EXPECT_LT(PageChecksumField(0xCBF43926u), 0);
  EXPECT_EQ(PageChecksumField(7), 7);
}

TEST(VerifyPageChecksum, HeaderWithoutCrcPasses) {
  PageHeader header;
  EXPECT_TRUE(VerifyPageChecksum(header, "anything"));
}

TEST(VerifyPageChecksum, MatchingCrcPassesAndAnyFlippedBitIsCorruption) {
  const std::string page = "levels, then values, as stored";
  PageHeader header;
  header.crc = PageChecksumField(PageChecksum(page));
  EXPECT_TRUE(VerifyPageChecksum(header, page));
  for (size_t i = 0; i < page.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string damaged = page;
      damaged[i] = static_cast<char>(damaged[i] ^ (1 << bit));
      Status status = VerifyPageChecksum(header, damaged);
      ASSERT_FALSE(status) << "byte " << i << " bit " << bit;
      EXPECT_EQ(status.error().code(), ErrorCode::kCorruption);
    }
  }
  Status truncated = VerifyPageChecksum(header, std::string_view(page).substr(1));
  ASSERT_FALSE(truncated);
  EXPECT_NE(truncated.error().message().find("checksum mismatch"), std::string::npos);
  EXPECT_NE(truncated.error().message().find(fmt::format("{:08x}", PageChecksum(page))), std::string::npos)
      << truncated.error().message();
}

}  // namespace
}  // namespace jsm::parquet
