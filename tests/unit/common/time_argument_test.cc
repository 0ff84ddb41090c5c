#include "common/time_argument.h"

#include <gtest/gtest.h>

#include "common/clock.h"

namespace jsm {
namespace {

constexpr int64_t kNow = 1764000000000000LL;

TEST(TimeArgument, AgesCountBackFromNow) {
  EXPECT_EQ(*ParseTimeArgument("30s", kNow), kNow - 30000000LL);
  EXPECT_EQ(*ParseTimeArgument("15m", kNow), kNow - 900000000LL);
  EXPECT_EQ(*ParseTimeArgument("12h", kNow), kNow - 43200000000LL);
  EXPECT_EQ(*ParseTimeArgument("7d", kNow), kNow - 604800000000LL);
}

TEST(TimeArgument, DatesAndTimesAreUtc) {
  EXPECT_EQ(*ParseTimeArgument("2019-12-09", kNow), DaysFromCivil(2019, 12, 9) * 86400000000LL);
  EXPECT_EQ(FormatTimestampMicros(*ParseTimeArgument("2019-12-09T01:02:03Z", kNow)), "2019-12-09T01:02:03.000000Z");
  EXPECT_EQ(FormatTimestampMicros(*ParseTimeArgument("2019-12-09 01:02", kNow)), "2019-12-09T01:02:00.000000Z");
}

TEST(TimeArgument, NonsenseIsAnErrorThatQuotesIt) {
  for (const char* bad : {"", "yesterday", "2019-13-01", "2019-12-09T25:00", "12x", "-3h", "2019-12-09T01:02:0"}) {
    auto parsed = ParseTimeArgument(bad, kNow);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_NE(parsed.error().message().find(std::string("'") + bad + "'"), std::string::npos);
  }
}

}  // namespace
}  // namespace jsm
