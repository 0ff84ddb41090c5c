#include "pipeline/gold_money.h"

#include <gtest/gtest.h>

namespace jsm::pipeline {
namespace {

TEST(GoldMoney, LimitIsTwentyEightDigitsOfCents) {
  EXPECT_EQ(FormatMoney(GoldMoneyLimit()), "99999999999999999999999999.99");
  EXPECT_EQ(FormatMoney(-GoldMoneyLimit()), "-99999999999999999999999999.99");
}

TEST(GoldMoney, SumsPastTheInt64RangeAreExact) {
  // The lines: 99999.99 x 2147483647 each, 500 of them; an int64 sum wrapped to a negative.
  const Cents line = Cents{9'999'999} * 2'147'483'647;
  Cents sum = 0;
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(AddMoney(&sum, line));
  EXPECT_EQ(FormatMoney(sum), "107374171612581765.00");
  EXPECT_GT(sum, Cents{INT64_MAX});
}

TEST(GoldMoney, AnAdditionBeyondTheLimitIsRefusedAndChangesNothing) {
  Cents sum = GoldMoneyLimit() - 5;
  EXPECT_TRUE(AddMoney(&sum, 5));
  EXPECT_TRUE(sum == GoldMoneyLimit());
  EXPECT_FALSE(AddMoney(&sum, 1));
  EXPECT_TRUE(sum == GoldMoneyLimit());
  Cents negative = -GoldMoneyLimit();
  EXPECT_FALSE(AddMoney(&negative, -1));
  EXPECT_TRUE(negative == -GoldMoneyLimit());
  Cents small = 90;
  EXPECT_FALSE(AddMoney(&small, 11, 100));
  EXPECT_TRUE(AddMoney(&small, 10, 100));
  Cents difference = 0;
  EXPECT_FALSE(SubtractMoney(-GoldMoneyLimit(), 1, &difference));
  EXPECT_TRUE(SubtractMoney(5, 7, &difference));
  EXPECT_TRUE(difference == -2);
}

TEST(MoneyTotals, CancellationsAddTheirMagnitudeAndLowerTheNet) {
  MoneyTotals totals;
  EXPECT_EQ(totals.AddLine(false, 1000, GoldMoneyLimit()), nullptr);
  EXPECT_EQ(totals.AddLine(true, -300, GoldMoneyLimit()), nullptr);
  EXPECT_TRUE(totals.gross == 1000);
  EXPECT_TRUE(totals.cancelled == 300);
  EXPECT_TRUE(totals.net == 700);
}

TEST(MoneyTotals, NamesTheColumnThatWouldOverflowAndKeepsTheTotals) {
  MoneyTotals totals;
  ASSERT_EQ(totals.AddLine(false, 90, 100), nullptr);
  EXPECT_STREQ(totals.AddLine(false, 20, 100), "gross_revenue");
  EXPECT_TRUE(totals.gross == 90 && totals.net == 90);
  ASSERT_EQ(totals.AddLine(true, -100, 100), nullptr);  // net -10
  EXPECT_STREQ(totals.AddLine(true, -1, 100), "cancelled_revenue");
  MoneyTotals refunds;
  ASSERT_EQ(refunds.AddLine(false, -60, 100), nullptr);  // a negative sale line (rules allow it when changed)
  EXPECT_STREQ(refunds.AddLine(true, -50, 100), "net_revenue");
  EXPECT_TRUE(refunds.cancelled == 0 && refunds.net == -60);
}

TEST(MoneyOverflowError, NamesTableColumnGroupAndTheLimit) {
  const Error error = MoneyOverflowError("gold/daily_sales", "net_revenue", "order_date 2019-12-09, country 'France'",
                                         GoldMoneyLimit());
  EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(error.message(),
            "gold/daily_sales: net_revenue of order_date 2019-12-09, country 'France' would leave DECIMAL(28,2) "
            "(at most 99999999999999999999999999.99 in magnitude); gold was not written");
}

}  // namespace
}  // namespace jsm::pipeline
