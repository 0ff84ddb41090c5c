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

/// A well-mixed distinct key per i (as xxh3 keys are).
RecordKey MixedKey(uint64_t i) {
  auto mix = [](uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  };
  return RecordKey{mix(i), mix(i ^ 0x5555555555555555ULL)};
}

TEST(DedupeIndex, MillionKeysReservedUpFrontFitWithoutRehashAtTwentyBytesPerKey) {
  constexpr uint64_t kKeys = 1000000;
  DedupeIndex index;
  index.Reserve(kKeys);
  const size_t capacity = index.capacity();
  for (uint64_t i = 0; i < kKeys; ++i) ASSERT_TRUE(index.Insert(MixedKey(i))) << i;
  EXPECT_EQ(index.capacity(), capacity);  // no rehash
  EXPECT_EQ(index.size(), kKeys);
  EXPECT_LE(static_cast<double>(index.memory_bytes()) / kKeys, 20.01);
  for (uint64_t i = 0; i < kKeys; ++i) ASSERT_FALSE(index.Insert(MixedKey(i))) << i;
  for (uint64_t i = kKeys; i < 2 * kKeys; ++i) ASSERT_FALSE(index.Contains(MixedKey(i))) << i;
  uint64_t next = 2 * kKeys;  // just past the reservation the table grows by half
  while (index.capacity() == capacity) index.Insert(MixedKey(next++));
  EXPECT_LE(next - 2 * kKeys, 8u);
  EXPECT_EQ(index.capacity(), capacity + capacity / 2);
  for (uint64_t i = 0; i < kKeys; ++i) ASSERT_TRUE(index.Contains(MixedKey(i))) << i;
  ASSERT_TRUE(index.Contains(MixedKey(next - 1)));
  index.Clear();
  EXPECT_EQ(index.size(), 0u);
  EXPECT_LT(index.memory_bytes(), 2u << 20);
  EXPECT_FALSE(index.Contains(MixedKey(1)));
}

TEST(DedupeIndex, KeysSharingTheirHighHalfStayDistinct) {
  DedupeIndex index;
  for (uint64_t i = 1; i <= 100000; ++i) ASSERT_TRUE(index.Insert(RecordKey{42, i}));
  for (uint64_t i = 1; i <= 100000; ++i) ASSERT_TRUE(index.Contains(RecordKey{42, i}));
  EXPECT_FALSE(index.Contains(RecordKey{42, 0}));
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
