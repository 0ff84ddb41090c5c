#include "pipeline/gold_aggregator.h"

#include <gtest/gtest.h>

#include "pipeline/table_schemas.h"

namespace jsm::pipeline {
namespace {

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
  gold.Add(Silver(kLines));
  RecordBatch daily = gold.DailySales();
  ASSERT_EQ(daily.num_rows(), 2u);
  // Day 10, France: transactions 100,101,102; 4 sale lines; 7 units; gross 2000+550+3000+1000.
  EXPECT_EQ(daily.column(0).IntAt(0), 10);
  EXPECT_EQ(daily.column(1).StringAt(0), "France");
  EXPECT_EQ(daily.column(2).IntAt(0), 3);
  EXPECT_EQ(daily.column(3).IntAt(0), 4);
  EXPECT_EQ(daily.column(4).IntAt(0), 7);
  EXPECT_EQ(daily.column(5).IntAt(0), 6550);
  EXPECT_EQ(daily.column(6).IntAt(0), 2000);
  EXPECT_EQ(daily.column(7).IntAt(0), 4550);
  EXPECT_EQ(daily.column(8).IntAt(0), 2);  // customers 1 and 2; null not counted
  EXPECT_TRUE(daily.column(1).IsNull(1));
  EXPECT_EQ(daily.column(7).IntAt(1), 2200);
}

TEST(GoldAggregator, ResultDoesNotDependOnBatchBoundaries) {
  GoldAggregator whole, pieces;
  whole.Add(Silver(kLines));
  for (const Line& line : kLines) pieces.Add(Silver({line}));
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
        else EXPECT_EQ(a.column(c).IntAt(r), b.column(c).IntAt(r));
      }
    }
  }
}

TEST(GoldAggregator, ProductsRankedByNetRevenueWithMostFrequentName) {
  GoldAggregator gold;
  gold.Add(Silver(kLines));
  RecordBatch products = gold.ProductPerformance();
  ASSERT_EQ(products.num_rows(), 2u);
  EXPECT_EQ(products.column(0).StringAt(0), "22485");
  EXPECT_EQ(products.column(1).StringAt(0), "Crate");
  EXPECT_EQ(products.column(2).IntAt(0), 3);     // transactions
  EXPECT_EQ(products.column(3).IntAt(0), 6);     // units sold
  EXPECT_EQ(products.column(4).IntAt(0), 2);     // units cancelled
  EXPECT_EQ(products.column(7).IntAt(0), 4000);  // net
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
  gold.Add(Silver(kLines));
  gold.Clear();
  EXPECT_EQ(gold.rows_added(), 0);
  EXPECT_EQ(gold.CustomerRfm().num_rows(), 0u);
  gold.Add(Silver({kLines[0]}));
  RecordBatch monthly = gold.MonthlyKpis();
  ASSERT_EQ(monthly.num_rows(), 1u);
  EXPECT_EQ(monthly.column(1).IntAt(0), 1);     // orders
  EXPECT_EQ(monthly.column(4).IntAt(0), 2000);  // gross
  RecordBatch rfm = gold.CustomerRfm();
  ASSERT_EQ(rfm.num_rows(), 1u);
  EXPECT_EQ(rfm.column(0).StringAt(0), "1");
}

TEST(GoldAggregator, FeedsCustomerRfmAndMonthlyKpis) {
  GoldAggregator gold;
  gold.Add(Silver(kLines));
  RecordBatch rfm = gold.CustomerRfm();
  ASSERT_EQ(rfm.num_rows(), 3u);  // customers 1, 2, 3 (null customer not a row)
  EXPECT_EQ(rfm.column(0).StringAt(0), "1");
  EXPECT_EQ(rfm.column(5).IntAt(0), 1);            // frequency: transaction 100
  EXPECT_EQ(rfm.column(6).IntAt(0), 2550 - 2000);  // monetary: net of purchase and cancellation
  EXPECT_EQ(rfm.column(3).IntAt(0), 11);           // reference date: latest order date
  EXPECT_EQ(rfm.column(4).IntAt(0), 1);            // recency days
  RecordBatch monthly = gold.MonthlyKpis();
  ASSERT_EQ(monthly.num_rows(), 1u);
  EXPECT_EQ(monthly.column(1).IntAt(0), 4);  // orders 100, 101, 102, 104
  EXPECT_EQ(monthly.column(11).IntAt(0), 1);  // cancellations
}

TEST(GoldAggregator, CountrySummaryCoversAllDaysOfACountry) {
  GoldAggregator gold;
  gold.Add(Silver(kLines));
  RecordBatch countries = gold.CountrySummary();
  ASSERT_EQ(countries.num_rows(), 2u);
  EXPECT_EQ(countries.column(0).StringAt(0), "France");
  EXPECT_EQ(countries.column(1).StringAt(0), "XX");
  EXPECT_EQ(countries.column(2).IntAt(0), 3);
  EXPECT_EQ(countries.column(3).IntAt(0), 2);
  EXPECT_EQ(countries.column(8).IntAt(0), 4550);
  EXPECT_EQ(countries.column(9).IntAt(0), 10);
  EXPECT_EQ(countries.column(10).IntAt(0), 10);
  EXPECT_TRUE(countries.column(0).IsNull(1));
}

}  // namespace
}  // namespace jsm::pipeline
