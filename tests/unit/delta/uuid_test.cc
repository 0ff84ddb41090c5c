#include "delta/uuid.h"

#include <gtest/gtest.h>

#include <set>

namespace jsm::delta {
namespace {

TEST(Uuid, HasVersion4LayoutAndVariantBits) {
  const std::string uuid = NewUuidV4();
  ASSERT_EQ(uuid.size(), 36u);
  for (size_t i = 0; i < uuid.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      EXPECT_EQ(uuid[i], '-') << uuid;
    } else {
      EXPECT_TRUE(std::isxdigit(static_cast<unsigned char>(uuid[i])) && !std::isupper(uuid[i])) << uuid;
    }
  }
  EXPECT_EQ(uuid[14], '4') << uuid;
  EXPECT_NE(std::string("89ab").find(uuid[19]), std::string::npos) << uuid;
}

TEST(Uuid, ThousandsAreDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 5000; ++i) seen.insert(NewUuidV4());
  EXPECT_EQ(seen.size(), 5000u);
}

}  // namespace
}  // namespace jsm::delta
