#include "pipeline/customer_rfm_aggregator.h"

#include <gtest/gtest.h>

#include "pipeline/table_schemas.h"

namespace jsm::pipeline {
namespace {

/// A gold money value (128-bit) that the test knows fits 64 bits.
int64_t Cents64(const Column& column, size_t row) { return static_cast<int64_t>(column.WideAt(row)); }

TEST(QuintileScores, SpreadsDistinctValuesOverOneToFive) {
  EXPECT_EQ(QuintileScores({10, 20, 30, 40, 50}), (std::vector<int32_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(QuintileScores({50, 40, 30, 20, 10, 0, 60, 70, 80, 90}),
            (std::vector<int32_t>{3, 3, 2, 2, 1, 1, 4, 4, 5, 5}));
}

TEST(QuintileScores, EqualValuesShareTheLowerScore) {
  EXPECT_EQ(QuintileScores({7, 7, 7, 7}), (std::vector<int32_t>{1, 1, 1, 1}));
  // Three of six below 9: 1 + 15/6 = 3.
  EXPECT_EQ(QuintileScores({1, 1, 1, 9, 9, 12}), (std::vector<int32_t>{1, 1, 1, 3, 3, 5}));
  EXPECT_TRUE(QuintileScores({}).empty());
  EXPECT_EQ(QuintileScores({-5}), (std::vector<int32_t>{1}));
}

TEST(RfmSegment, FirstMatchingRuleNamesTheSegment) {
  EXPECT_EQ(RfmSegment(5, 5, 5), "Champions");
  EXPECT_EQ(RfmSegment(4, 4, 3), "Loyal");
  EXPECT_EQ(RfmSegment(3, 3, 1), "Loyal");
  EXPECT_EQ(RfmSegment(5, 1, 5), "New");
  EXPECT_EQ(RfmSegment(4, 2, 1), "New");
  EXPECT_EQ(RfmSegment(3, 2, 5), "Needs Attention");
  EXPECT_EQ(RfmSegment(2, 5, 5), "At Risk");
  EXPECT_EQ(RfmSegment(1, 3, 1), "At Risk");
  EXPECT_EQ(RfmSegment(2, 2, 2), "Hibernating");
  EXPECT_EQ(RfmSegment(1, 1, 5), "Lost");
}

TEST(CustomerRfmAggregator, RecencyFrequencyMonetaryFollowTheDefinitions) {
  StringInterner customers;
  const uint32_t a = customers.Intern("A"), b = customers.Intern("B"), c = customers.Intern("C");
  CustomerRfmAggregator rfm;
  ASSERT_TRUE(rfm.Add(b, "b", 1, 100, false, 1000));
  ASSERT_TRUE(rfm.Add(b, "b", 1, 100, false, 500));   // same transaction: frequency counts it once
  ASSERT_TRUE(rfm.Add(b, "b", 2, 110, false, 250));
  ASSERT_TRUE(rfm.Add(b, "b", 9, 111, true, -300));   // a cancellation lowers monetary, not frequency or recency
  ASSERT_TRUE(rfm.Add(a, "a", 3, 120, false, 100));
  ASSERT_TRUE(rfm.Add(c, "c", 4, 130, true, -100));   // only a cancellation: not a row
  ASSERT_TRUE(rfm.Add(kNoCustomer, "kNoCustomer", 5, 140, false, 999));  // sets the reference date only
  RecordBatch table = rfm.Table(customers);
  ASSERT_EQ(table.schema(), CustomerRfmSchema());
  ASSERT_EQ(table.num_rows(), 2u);
  EXPECT_EQ(rfm.reference_day(), 140);
  // Row 0: A.
  EXPECT_EQ(table.column(0).StringAt(0), "A");
  EXPECT_EQ(table.column(1).IntAt(0), 120);
  EXPECT_EQ(table.column(2).IntAt(0), 120);
  EXPECT_EQ(table.column(3).IntAt(0), 140);
  EXPECT_EQ(table.column(4).IntAt(0), 20);
  EXPECT_EQ(table.column(5).IntAt(0), 1);
  EXPECT_EQ(Cents64(table.column(6), 0), 100);
  // Row 1: B.
  EXPECT_EQ(table.column(0).StringAt(1), "B");
  EXPECT_EQ(table.column(1).IntAt(1), 100);
  EXPECT_EQ(table.column(2).IntAt(1), 110);
  EXPECT_EQ(table.column(4).IntAt(1), 30);
  EXPECT_EQ(table.column(5).IntAt(1), 2);
  EXPECT_EQ(Cents64(table.column(6), 1), 1450);
  // Scores over the two customers: A is more recent, B more frequent and worth more.
  EXPECT_EQ(table.column(7).IntAt(0), 3);  // r: one of two below -> 1 + 5/2
  EXPECT_EQ(table.column(7).IntAt(1), 1);
  EXPECT_EQ(table.column(8).IntAt(0), 1);
  EXPECT_EQ(table.column(8).IntAt(1), 3);
  EXPECT_EQ(table.column(9).IntAt(1), 3);
  EXPECT_EQ(table.column(10).IntAt(0), 311);
  EXPECT_EQ(table.column(10).IntAt(1), 133);
  EXPECT_EQ(table.column(11).StringAt(0), "Needs Attention");
  EXPECT_EQ(table.column(11).StringAt(1), "At Risk");
}

TEST(CustomerRfmAggregator, EmptyStateGivesAnEmptyTable) {
  StringInterner customers;
  CustomerRfmAggregator rfm;
  EXPECT_EQ(rfm.Table(customers).num_rows(), 0u);
}

}  // namespace
}  // namespace jsm::pipeline
