#include <gtest/gtest.h>

#include "common/clock.h"
#include "model/order_parser.h"

namespace jsm::model {
namespace {

int32_t Days(std::string_view text) {
  int32_t days = -1;
  EXPECT_TRUE(ParseOrderDate(text, &days)) << text;
  return days;
}

bool Rejects(std::string_view text) {
  int32_t days = 12345;
  const bool ok = ParseOrderDate(text, &days);
  return !ok && days == 12345;
}

TEST(OrderDate, ParsesMonthDayYearWithOneOrTwoDigits) {
  EXPECT_EQ(Days("12/9/2019"), DaysFromCivil(2019, 12, 9));
  EXPECT_EQ(Days("1/1/2019"), DaysFromCivil(2019, 1, 1));
  EXPECT_EQ(Days("01/09/2019"), DaysFromCivil(2019, 1, 9));
  EXPECT_EQ(Days("12/1/2018"), DaysFromCivil(2018, 12, 1));
  EXPECT_EQ(Days("1/1/1970"), 0);
}

TEST(OrderDate, ParsesIsoDateWithOptionalTime) {
  EXPECT_EQ(Days("2019-12-09"), DaysFromCivil(2019, 12, 9));
  EXPECT_EQ(Days("2019-12-09T23:59:59Z"), DaysFromCivil(2019, 12, 9));
  EXPECT_EQ(Days("2019-12-09T08:30"), DaysFromCivil(2019, 12, 9));
  EXPECT_EQ(Days("2019-12-09 08:30:00.123+01:00"), DaysFromCivil(2019, 12, 9));
}

TEST(OrderDate, February29OnlyInLeapYears) {
  EXPECT_EQ(Days("2/29/2020"), DaysFromCivil(2020, 2, 29));
  EXPECT_EQ(Days("2000-02-29"), DaysFromCivil(2000, 2, 29));
  EXPECT_TRUE(Rejects("2/29/2019"));
  EXPECT_TRUE(Rejects("1900-02-29"));
}

TEST(OrderDate, RejectsInvalidCalendarDates) {
  for (const char* text : {"13/45/2019", "0/1/2019", "1/0/2019", "4/31/2019", "2019-13-01", "2019-00-10",
                           "2019-06-31", "1/1/0000"}) {
    EXPECT_TRUE(Rejects(text)) << text;
  }
}

TEST(OrderDate, RejectsOtherShapes) {
  for (const char* text : {"", "2019", "12/9/19", "12/9/20190", "123/1/2019", "1/123/2019", "12-9-2019",
                           "2019-1-09", "2019-12-9", "2019/12/09", "2019-12-09X", "2019-12-09T",
                           "2019-12-09T25:00",
                           "2019-12-09Tab:cd", " 12/9/2019", "12/9/2019 ", "9 Dec 2019", "12/9/2019T10:00"}) {
    EXPECT_TRUE(Rejects(text)) << text;
  }
}

}  // namespace
}  // namespace jsm::model
