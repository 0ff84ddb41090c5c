#include "model/date_formats.h"

#include <gtest/gtest.h>

#include "common/clock.h"

namespace jsm::model {
namespace {

TEST(DateFormats, TriesFormatsInOrder) {
  auto formats = DateFormats::Parse("d.txt", "# formats\nDD.MM.YYYY\nYYYY/M/D\n");
  ASSERT_TRUE(formats) << formats.error().message();
  EXPECT_EQ(formats->size(), 2u);
  int32_t days = 0;
  ASSERT_TRUE(formats->ToDays("09.12.2019", &days));
  EXPECT_EQ(days, DaysFromCivil(2019, 12, 9));
  ASSERT_TRUE(formats->ToDays("2019/1/5", &days));
  EXPECT_EQ(days, DaysFromCivil(2019, 1, 5));
  EXPECT_FALSE(formats->ToDays("12/9/2019", &days));
  EXPECT_FALSE(formats->ToDays("9.12.2019", &days));  // DD is two digits
  EXPECT_FALSE(formats->ToDays("31.02.2019", &days));  // not on the calendar
}

TEST(DateFormats, TimeTokensAndRest) {
  auto formats = DateFormats::Parse("d.txt", "YYYY-MM-DDThh:mm:ss*\n");
  ASSERT_TRUE(formats);
  int32_t days = 0;
  EXPECT_TRUE(formats->ToDays("2019-12-09T23:59:59Z", &days));
  EXPECT_TRUE(formats->ToDays("2019-12-09T23:59:59", &days));
  EXPECT_FALSE(formats->ToDays("2019-12-09T24:00:00", &days));
  EXPECT_FALSE(formats->ToDays("2019-12-09T23:60:00", &days));
  EXPECT_FALSE(formats->ToDays("2019-12-09", &days));
}

TEST(DateFormats, UnknownTokenNamesLineAndToken) {
  auto formats = DateFormats::Parse("d.txt", "M/D/YYYY\n\nDD-MMM-YY\n");
  ASSERT_FALSE(formats);
  EXPECT_EQ(formats.error().message().substr(0, 8), "d.txt:3:");
  EXPECT_NE(formats.error().message().find("unknown date-format token 'MMM'"), std::string::npos)
      << formats.error().message();
  auto letters = DateFormats::Parse("d.txt", "YYYY-MM-DD at hh\n");
  ASSERT_FALSE(letters);
  EXPECT_NE(letters.error().message().find("token 'a'"), std::string::npos) << letters.error().message();
}

TEST(DateFormats, FormatNeedsYearMonthDayOnceAndStarLast) {
  EXPECT_FALSE(DateFormats::Parse("d.txt", "MM/DD\n"));
  EXPECT_FALSE(DateFormats::Parse("d.txt", "YYYY-MM-DD-DD\n"));
  auto star = DateFormats::Parse("d.txt", "YYYY*MM-DD\n");
  ASSERT_FALSE(star);
  EXPECT_NE(star.error().message().find("'*' must end"), std::string::npos);
  auto empty = DateFormats::Parse("d.txt", "# nothing\n");
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message().find("at least one"), std::string::npos);
}

}  // namespace
}  // namespace jsm::model
