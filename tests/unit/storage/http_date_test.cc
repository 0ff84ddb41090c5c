#include "storage/http_date.h"

#include <gtest/gtest.h>

namespace jsm::storage {
namespace {

TEST(HttpDate, FormatsImfFixdate) {
  EXPECT_EQ(FormatHttpDate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(FormatHttpDate(1795835420), "Sat, 28 Nov 2026 03:10:20 GMT");
}

TEST(HttpDate, ParsesWhatItFormats) {
  for (const int64_t seconds : {0LL, 951782400LL, 1795835420LL}) {
    auto ms = ParseHttpDateMillis(FormatHttpDate(seconds));
    ASSERT_TRUE(ms);
    EXPECT_EQ(*ms, seconds * 1000);
  }
  EXPECT_FALSE(ParseHttpDateMillis("yesterday"));
  EXPECT_FALSE(ParseHttpDateMillis("Tue, 31 Foo 2026 00:00:00 GMT"));
}

}  // namespace
}  // namespace jsm::storage
