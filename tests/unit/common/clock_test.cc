#include "common/clock.h"

#include <gtest/gtest.h>

namespace jsm {
namespace {

TEST(Clock, DaysFromCivilAndFormatDateRoundTrip) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2019, 12, 9), 18239);
  EXPECT_EQ(FormatDate(18239), "2019-12-09");
  EXPECT_EQ(FormatDate(DaysFromCivil(2020, 2, 29)), "2020-02-29");
}

TEST(Clock, FormatTimestampMicrosIsUtcIso) {
  EXPECT_EQ(FormatTimestampMicros(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatTimestampMicros(1575849600000000LL + 3723000001LL), "2019-12-09T01:02:03.000001Z");
}

}  // namespace
}  // namespace jsm
