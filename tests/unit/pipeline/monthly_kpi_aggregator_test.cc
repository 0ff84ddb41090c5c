#include "pipeline/monthly_kpi_aggregator.h"

#include <gtest/gtest.h>

#include "pipeline/customer_rfm_aggregator.h"
#include "pipeline/table_schemas.h"

namespace jsm::pipeline {
namespace {

/// A gold money value (128-bit) that the test knows fits 64 bits.
int64_t Cents64(const Column& column, size_t row) { return static_cast<int64_t>(column.WideAt(row)); }

constexpr int32_t kJan1 = 18262;  // 2020-01-01
constexpr int32_t kFeb1 = 18293;  // 2020-02-01
constexpr int32_t kMar1 = 18322;  // 2020-03-01 (2020 is a leap year)

TEST(FirstDayOfMonth, MapsEveryDayOfAMonthToItsFirst) {
  EXPECT_EQ(FirstDayOfMonth(kJan1), kJan1);
  EXPECT_EQ(FirstDayOfMonth(kJan1 + 30), kJan1);
  EXPECT_EQ(FirstDayOfMonth(kFeb1), kFeb1);
  EXPECT_EQ(FirstDayOfMonth(kFeb1 + 28), kFeb1);  // 2020-02-29
  EXPECT_EQ(FirstDayOfMonth(kMar1), kMar1);
  EXPECT_EQ(FirstDayOfMonth(0), 0);
  EXPECT_EQ(FirstDayOfMonth(-1), -31);  // 1969-12-31 -> 1969-12-01
}

TEST(DivideRounded, RoundsHalfAwayFromZero) {
  EXPECT_EQ(static_cast<int64_t>(DivideRounded(10, 4)), 3);   // 2.5
  EXPECT_EQ(static_cast<int64_t>(DivideRounded(9, 4)), 2);    // 2.25
  EXPECT_EQ(static_cast<int64_t>(DivideRounded(11, 4)), 3);   // 2.75
  EXPECT_EQ(static_cast<int64_t>(DivideRounded(-10, 4)), -3);
  EXPECT_EQ(static_cast<int64_t>(DivideRounded(-9, 4)), -2);
  EXPECT_EQ(static_cast<int64_t>(DivideRounded(100, 3)), 33);
  EXPECT_EQ(static_cast<int64_t>(DivideRounded(200, 3)), 67);
  // Beyond int64: exact.
  EXPECT_TRUE(DivideRounded(PowerOfTen128(27) + 1, 2) == PowerOfTen128(27) / 2 + 1);
}

TEST(MonthlyKpiAggregator, CountsOrdersRevenueAndNewVersusReturningCustomers) {
  MonthlyKpiAggregator monthly;
  // January: customer 0 buys (order 1, two lines), order 2 has no customer, order 3 is cancelled.
  ASSERT_TRUE(monthly.Add(0, 1, kJan1 + 3, false, 2, 1000));
  ASSERT_TRUE(monthly.Add(0, 1, kJan1 + 3, false, 1, 501));
  ASSERT_TRUE(monthly.Add(kNoCustomer, 2, kJan1 + 10, false, 1, 250));
  ASSERT_TRUE(monthly.Add(0, 3, kJan1 + 11, true, -1, -501));
  // February: customer 0 returns, customer 1 is new; March has only a cancellation.
  ASSERT_TRUE(monthly.Add(0, 4, kFeb1, false, 1, 100));
  ASSERT_TRUE(monthly.Add(1, 5, kFeb1 + 1, false, 3, 300));
  ASSERT_TRUE(monthly.Add(1, 6, kMar1, true, -3, -300));
  RecordBatch table = monthly.Table();
  ASSERT_EQ(table.schema(), MonthlyKpisSchema());
  ASSERT_EQ(table.num_rows(), 3u);
  // January.
  EXPECT_EQ(table.column(0).IntAt(0), kJan1);
  EXPECT_EQ(table.column(1).IntAt(0), 2);     // orders
  EXPECT_EQ(table.column(2).IntAt(0), 3);     // lines
  EXPECT_EQ(table.column(3).IntAt(0), 4);     // units
  EXPECT_EQ(Cents64(table.column(4), 0), 1751);  // gross
  EXPECT_EQ(Cents64(table.column(5), 0), 501);   // cancelled
  EXPECT_EQ(Cents64(table.column(6), 0), 1250);  // net
  EXPECT_EQ(Cents64(table.column(7), 0), 876);   // AOV 1751 / 2 = 875.5 -> 876
  EXPECT_EQ(table.column(8).IntAt(0), 1);     // customers
  EXPECT_EQ(table.column(9).IntAt(0), 1);     // new
  EXPECT_EQ(table.column(10).IntAt(0), 0);    // returning
  EXPECT_EQ(table.column(11).IntAt(0), 1);    // cancellations
  EXPECT_EQ(table.column(12).IntAt(0), 1);    // cancellation lines
  EXPECT_DOUBLE_EQ(table.column(13).DoubleAt(0), 1.0 / 3.0);
  // February.
  EXPECT_EQ(table.column(0).IntAt(1), kFeb1);
  EXPECT_EQ(table.column(8).IntAt(1), 2);
  EXPECT_EQ(table.column(9).IntAt(1), 1);
  EXPECT_EQ(table.column(10).IntAt(1), 1);
  EXPECT_DOUBLE_EQ(table.column(13).DoubleAt(1), 0.0);
  // March: no orders, so no average order value.
  EXPECT_EQ(table.column(1).IntAt(2), 0);
  EXPECT_TRUE(table.column(7).IsNull(2));
  EXPECT_EQ(table.column(9).IntAt(2), 0);
  EXPECT_DOUBLE_EQ(table.column(13).DoubleAt(2), 1.0);
}

TEST(MonthlyKpiAggregator, AnEarlierPurchaseArrivingLateMovesTheNewCustomer) {
  MonthlyKpiAggregator monthly;
  ASSERT_TRUE(monthly.Add(7, 1, kFeb1, false, 1, 100));
  ASSERT_TRUE(monthly.Add(7, 2, kJan1, false, 1, 100));  // arrives later, happened earlier
  RecordBatch table = monthly.Table();
  ASSERT_EQ(table.num_rows(), 2u);
  EXPECT_EQ(table.column(9).IntAt(0), 1);   // January: new
  EXPECT_EQ(table.column(9).IntAt(1), 0);   // February: returning
  EXPECT_EQ(table.column(10).IntAt(1), 1);
}

}  // namespace
}  // namespace jsm::pipeline
