#include "pipeline/dedupe_index.h"

#include <gtest/gtest.h>

namespace jsm::pipeline {
namespace {

model::NormalizedOrder Order() {
  model::NormalizedOrder order;
  order.transaction_no = "581482";
  order.order_date = 18239;
  order.product_no = "22485";
  order.product_name = "Set Of 2 Wooden Market Crates";
  order.unit_price_cents = 2147;
  order.quantity = 12;
  order.customer_no = "17490";
  order.country = "United Kingdom";
  return order;
}

TEST(DedupeIndex, SecondInsertOfSameKeyIsRejected) {
  DedupeIndex index;
  std::string scratch;
  RecordKey key = OrderRecordKey(Order(), &scratch);
  EXPECT_TRUE(index.Insert(key));
  EXPECT_FALSE(index.Insert(key));
  EXPECT_TRUE(index.Contains(key));
  EXPECT_EQ(index.size(), 1u);
}

TEST(DedupeIndex, EveryNormalizedFieldTakesPartInTheKey) {
  std::string scratch;
  const RecordKey base = OrderRecordKey(Order(), &scratch);
  std::vector<model::NormalizedOrder> variants(9, Order());
  variants[0].transaction_no = "581483";
  variants[1].order_date += 1;
  variants[2].product_no = "22486";
  variants[3].product_name = "Set Of 3 Wooden Market Crates";
  variants[4].unit_price_cents += 1;
  variants[5].quantity += 1;
  variants[6].customer_no = "";
  variants[7].country = "";
  variants[8].country = "France";
  for (const auto& variant : variants) EXPECT_FALSE(OrderRecordKey(variant, &scratch) == base);
}

TEST(DedupeIndex, FieldBoundariesAreUnambiguous) {
  std::string scratch;
  model::NormalizedOrder a = Order(), b = Order();
  a.product_no = "2248";
  a.product_name = "5Set";
  b.product_no = "22485";
  b.product_name = "Set";
  EXPECT_FALSE(OrderRecordKey(a, &scratch) == OrderRecordKey(b, &scratch));
}

TEST(DedupeIndex, GrowsAndKeepsEveryKey) {
  DedupeIndex index;
  for (uint64_t i = 1; i <= 300000; ++i) ASSERT_TRUE(index.Insert(RecordKey{i * 0x9E3779B97F4A7C15ULL, i}));
  EXPECT_EQ(index.size(), 300000u);
  for (uint64_t i = 1; i <= 300000; ++i) ASSERT_TRUE(index.Contains(RecordKey{i * 0x9E3779B97F4A7C15ULL, i}));
  EXPECT_FALSE(index.Contains(RecordKey{1, 0}));
  EXPECT_LE(index.memory_bytes(), 300000u * 16 * 4);
}

TEST(DedupeIndex, ZeroKeyIsAnOrdinaryMember) {
  DedupeIndex index;
  EXPECT_FALSE(index.Contains(RecordKey{}));
  EXPECT_TRUE(index.Insert(RecordKey{}));
  EXPECT_FALSE(index.Insert(RecordKey{}));
  EXPECT_TRUE(index.Contains(RecordKey{}));
}

TEST(RecordKeyHex, RoundTripsAndRejectsMalformed) {
  RecordKey key{0x0123456789abcdefULL, 0xfedcba9876543210ULL};
  std::string hex;
  AppendRecordKeyHex(key, &hex);
  EXPECT_EQ(hex, "0123456789abcdeffedcba9876543210");
  RecordKey parsed;
  ASSERT_TRUE(ParseRecordKeyHex(hex, &parsed));
  EXPECT_EQ(parsed, key);
  EXPECT_FALSE(ParseRecordKeyHex("0123", &parsed));
  EXPECT_FALSE(ParseRecordKeyHex("0123456789abcdeffedcba987654321G", &parsed));
}

}  // namespace
}  // namespace jsm::pipeline
