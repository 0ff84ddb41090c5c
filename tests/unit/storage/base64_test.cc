#include "storage/base64.h"

#include <gtest/gtest.h>

namespace jsm::storage {
namespace {

TEST(Base64, EncodesRfc4648Vectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, DecodeInvertsEncodeForEveryByte) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  for (size_t n = 0; n <= bytes.size(); n += 37) {
    auto decoded = Base64Decode(Base64Encode(bytes.substr(0, n)));
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, bytes.substr(0, n));
  }
}

TEST(Base64, DecodeRejectsBadText) {
  EXPECT_FALSE(Base64Decode("abc"));
  EXPECT_FALSE(Base64Decode("ab!d"));
  EXPECT_FALSE(Base64Decode("a=bc"));
}

}  // namespace
}  // namespace jsm::storage
