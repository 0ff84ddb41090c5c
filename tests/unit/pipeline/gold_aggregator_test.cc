#include "pipeline/gold_aggregator.h"

#include <gtest/gtest.h>

#include "pipeline/table_schemas.h"

namespace jsm::pipeline {
namespace {

/// A gold money value (128-bit) that the test knows fits 64 bits.
int64_t Cents64(const Column& column, size_t row) { return static_cast<int64_t>(column.WideAt(row)); }

struct Line {
  const char* transaction;
  int32_t day;
  const char* product;
  const char* name;
  int32_t quantity;
  int64_t price_cents;
  const char* customer;  // nullptr = null
  const char* country;   // nullptr = null
};

RecordBatch Silver(const std::vector<Line>& lines) {
  RecordBatch batch(SilverSchema());
  for (const Line& l : lines) {
    batch.column(kSilverTransactionNo).AppendString(l.transaction);
    batch.column(kSilverIsCancellation).AppendInt(l.transaction[0] == 'C');
    batch.column(kSilverOrderDate).AppendInt(l.day);
    batch.column(kSilverProductNo).AppendString(l.product);
    batch.column(kSilverProductName).AppendString(l.name);
    batch.column(kSilverUnitPrice).AppendInt(l.price_cents);
    batch.column(kSilverQuantity).AppendInt(l.quantity);
    batch.column(kSilverLineTotal).AppendInt(l.price_cents * l.quantity);
    if (l.customer) batch.column(kSilverCustomerNo).AppendString(l.customer); else batch.column(kSilverCustomerNo).AppendNull();
    if (l.country) batch.column(kSilverCountry).AppendString(l.country); else batch.column(kSilverCountry).AppendNull();
    if (l.country) batch.column(kSilverCountryCode).AppendString("XX"); else batch.column(kSilverCountryCode).AppendNull();
    batch.column(kSilverTopic).AppendString("pedidos");
    batch.column(kSilverPartition).AppendInt(0);
    batch.column(kSilverOffset).AppendInt(0);
    batch.column(kSilverIngestedAt).AppendInt(0);
    batch.column(kSilverRecordId).AppendString("00000000000000000000000000000000");
  }
  return batch;
}

const std::vector<Line> kLines = {
    {"100", 10, "22485", "Crate", 2, 1000, "1", "France"},
    {"100", 10, "22486", "Box", 1, 550, "1", "France"},
    {"101", 10, "22485", "Crate", 3, 1000, "2", "France"},
    {"102", 10, "22485", "Crate ", 1, 1000, nullptr, "France"},
    {"C103", 10, "22485", "Crate", -2, 1000, "1", "France"},
    {"104", 11, "22486", "Box", 4, 550, "3", nullptr},
};

TEST(GoldAggregator, DailySalesFollowsTheDefinitions) {
  GoldAggregator gold;
  ASSERT_TRUE(gold.Add(Silver(kLines)));
  RecordBatch daily = gold.DailySales();
  ASSERT_EQ(daily.num_rows(), 2u);
  // Day 10, France: transactions 100,101,102; 4 sale lines; 7 units; gross 2000+550+3000+1000.
  EXPECT_EQ(daily.column(0).IntAt(0), 10);
  EXPECT_EQ(daily.column(1).StringAt(0), "France");
  EXPECT_EQ(daily.column(2).IntAt(0), 3);
  EXPECT_EQ(daily.column(3).IntAt(0), 4);
  EXPECT_EQ(daily.column(4).IntAt(0), 7);
  EXPECT_EQ(Cents64(daily.column(5), 0), 6550);
  EXPECT_EQ(Cents64(daily.column(6), 0), 2000);
  EXPECT_EQ(Cents64(daily.column(7), 0), 4550);
  EXPECT_EQ(daily.column(8).IntAt(0), 2);  // customers 1 and 2; null not counted
  EXPECT_TRUE(daily.column(1).IsNull(1));
  EXPECT_EQ(Cents64(daily.column(7), 1), 2200);
}

TEST(GoldAggregator, ResultDoesNotDependOnBatchBoundaries) {
  GoldAggregator whole, pieces;
  ASSERT_TRUE(whole.Add(Silver(kLines)));
  for (const Line& line : kLines) ASSERT_TRUE(pieces.Add(Silver({line})));
  for (auto make : {&GoldAggregator::DailySales, &GoldAggregator::ProductPerformance, &GoldAggregator::CountrySummary,
                    &GoldAggregator::CustomerRfm, &GoldAggregator::MonthlyKpis}) {
    RecordBatch a = (whole.*make)(), b = (pieces.*make)();
    ASSERT_EQ(a.num_rows(), b.num_rows());
    for (size_t c = 0; c < a.num_columns(); ++c) {
      for (size_t r = 0; r < a.num_rows(); ++r) {
        ASSERT_EQ(a.column(c).IsNull(r), b.column(c).IsNull(r));
        if (a.column(c).IsNull(r)) continue;
        if (a.column(c).type() == DataType::kString) EXPECT_EQ(a.column(c).StringAt(r), b.column(c).StringAt(r));
        else if (a.column(c).type() == DataType::kDouble) EXPECT_EQ(a.column(c).DoubleAt(r), b.column(c).DoubleAt(r));
        else if (a.column(c).type() == DataType::kDecimal128) EXPECT_TRUE(a.column(c).WideAt(r) == b.column(c).WideAt(r));
        else EXPECT_EQ(a.column(c).IntAt(r), b.column(c).IntAt(r));
      }
    }
  }
}

TEST(GoldAggregator, SumsBeyondTheInt64RangeAreExact) {
  // The 500 lines of 99999.99 x 2147483647: an int64 sum wrapped to -77093269124513751.16.
  std::vector<Line> lines;
  for (int i = 0; i < 500; ++i) lines.push_back({"900", 10, "22485", "Crate", 2147483647, 9999999, "1", "France"});
  GoldAggregator gold;
  ASSERT_TRUE(gold.Add(Silver(lines)));
  const Cents expected = Cents{9'999'999} * 2'147'483'647 * 500;
  const RecordBatch daily = gold.DailySales();
  EXPECT_EQ(FormatMoney(daily.column(7).WideAt(0)), "107374171612581765.00");
  EXPECT_TRUE(gold.ProductPerformance().column(7).WideAt(0) == expected);
  EXPECT_TRUE(gold.CountrySummary().column(8).WideAt(0) == expected);
  EXPECT_TRUE(gold.CustomerRfm().column(6).WideAt(0) == expected);
  EXPECT_TRUE(gold.MonthlyKpis().column(6).WideAt(0) == expected);
  EXPECT_TRUE(gold.MonthlyKpis().column(7).WideAt(0) == expected);  // one order: AOV = gross
}

TEST(GoldAggregator, ASumBeyondTheMoneyLimitFailsNamingTableColumnAndGroup) {
  GoldAggregator gold(/*money_limit=*/5000);
  Status status = gold.Add(Silver(kLines));  // France on day 10 grosses 6550
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(status.error().message(),
            "gold/daily_sales: gross_revenue of order_date 1970-01-11, country 'France' would leave DECIMAL(28,2) "
            "(at most 50.00 in magnitude); gold was not written");
  // Each table's groups are checked: per product, customer and month too.
  GoldAggregator products(2500);
  status = products.Add(Silver({{"1", 10, "22485", "Crate", 2, 1000, "7", "France"},
                                {"2", 11, "22485", "Crate", 1, 1000, "8", "Spain"}}));
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message().find("gold/product_performance: gross_revenue of product_no '22485'"),
            std::string::npos)
      << status.error().message();
}

TEST(GoldAggregator, ProductsRankedByNetRevenueWithMostFrequentName) {
  GoldAggregator gold;
  ASSERT_TRUE(gold.Add(Silver(kLines)));
  RecordBatch products = gold.ProductPerformance();
  ASSERT_EQ(products.num_rows(), 2u);
  EXPECT_EQ(products.column(0).StringAt(0), "22485");
  EXPECT_EQ(products.column(1).StringAt(0), "Crate");
  EXPECT_EQ(products.column(2).IntAt(0), 3);     // transactions
  EXPECT_EQ(products.column(3).IntAt(0), 6);     // units sold
  EXPECT_EQ(products.column(4).IntAt(0), 2);     // units cancelled
  EXPECT_EQ(Cents64(products.column(7), 0), 4000);  // net
  EXPECT_EQ(products.column(8).IntAt(0), 1);     // cancellation lines
  EXPECT_EQ(products.column(9).IntAt(0), 1);
  EXPECT_EQ(products.column(9).IntAt(1), 2);
  EXPECT_EQ(products.column(10).IntAt(0), 1);  // cancellations: C103
  EXPECT_DOUBLE_EQ(products.column(11).DoubleAt(0), 1.0 / 4.0);
  EXPECT_EQ(products.column(10).IntAt(1), 0);
  EXPECT_DOUBLE_EQ(products.column(11).DoubleAt(1), 0.0);
}

TEST(GoldAggregator, ClearThenAddIsAFullRecompute) {
  GoldAggregator gold;
  ASSERT_TRUE(gold.Add(Silver(kLines)));
  gold.Clear();
  EXPECT_EQ(gold.rows_added(), 0);
  EXPECT_EQ(gold.CustomerRfm().num_rows(), 0u);
  ASSERT_TRUE(gold.Add(Silver({kLines[0]})));
  RecordBatch monthly = gold.MonthlyKpis();
  ASSERT_EQ(monthly.num_rows(), 1u);
  EXPECT_EQ(monthly.column(1).IntAt(0), 1);     // orders
  EXPECT_EQ(Cents64(monthly.column(4), 0), 2000);  // gross
  RecordBatch rfm = gold.CustomerRfm();
  ASSERT_EQ(rfm.num_rows(), 1u);
  EXPECT_EQ(rfm.column(0).StringAt(0), "1");
}

TEST(GoldAggregator, FeedsCustomerRfmAndMonthlyKpis) {
  GoldAggregator gold;
  ASSERT_TRUE(gold.Add(Silver(kLines)));
  RecordBatch rfm = gold.CustomerRfm();
  ASSERT_EQ(rfm.num_rows(), 3u);  // customers 1, 2, 3 (null customer not a row)
  EXPECT_EQ(rfm.column(0).StringAt(0), "1");
  EXPECT_EQ(rfm.column(5).IntAt(0), 1);            // frequency: transaction 100
  EXPECT_EQ(Cents64(rfm.column(6), 0), 2550 - 2000);  // monetary: net of purchase and cancellation
  EXPECT_EQ(rfm.column(3).IntAt(0), 11);           // reference date: latest order date
  EXPECT_EQ(rfm.column(4).IntAt(0), 1);            // recency days
  RecordBatch monthly = gold.MonthlyKpis();
  ASSERT_EQ(monthly.num_rows(), 1u);
  EXPECT_EQ(monthly.column(1).IntAt(0), 4);  // orders 100, 101, 102, 104
  EXPECT_EQ(monthly.column(11).IntAt(0), 1);  // cancellations
}

TEST(GoldAggregator, CountrySummaryCoversAllDaysOfACountry) {
  GoldAggregator gold;
  ASSERT_TRUE(gold.Add(Silver(kLines)));
  RecordBatch countries = gold.CountrySummary();
  ASSERT_EQ(countries.num_rows(), 2u);
  EXPECT_EQ(countries.column(0).StringAt(0), "France");
  EXPECT_EQ(countries.column(1).StringAt(0), "XX");
  EXPECT_EQ(countries.column(2).IntAt(0), 3);
  EXPECT_EQ(countries.column(3).IntAt(0), 2);
  EXPECT_EQ(Cents64(countries.column(8), 0), 4550);
  EXPECT_EQ(countries.column(9).IntAt(0), 10);
  EXPECT_EQ(countries.column(10).IntAt(0), 10);
  EXPECT_TRUE(countries.column(0).IsNull(1));
}

}  // namespace
}  // namespace jsm::pipeline
