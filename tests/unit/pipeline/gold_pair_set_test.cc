#include "pipeline/gold_pair_set.h"

#include <gtest/gtest.h>

#include <random>
#include <unordered_set>

namespace jsm::pipeline {
namespace {

TEST(GoldPairSet, InsertTellsWhetherAKeyIsNew) {
  GoldPairSet set;
  EXPECT_TRUE(set.Insert(7));
  EXPECT_FALSE(set.Insert(7));
  EXPECT_TRUE(set.Insert(0));
  EXPECT_TRUE(set.Insert(UINT64_MAX));  // the reserved empty marker is still a key
  EXPECT_FALSE(set.Insert(UINT64_MAX));
  EXPECT_EQ(set.size(), 3u);
}

TEST(GoldPairSet, AgreesWithStdUnorderedSetThroughGrowth) {
  GoldPairSet set;
  std::unordered_set<uint64_t> reference;
  std::mt19937_64 random(42);
  for (int i = 0; i < 200000; ++i) {
    // Pairs from a small space, so many repeat, as (group, member) pairs do.
    const uint64_t key = ((random() % 300) << 32) | (random() % 500);
    ASSERT_EQ(set.Insert(key), reference.insert(key).second) << i;
  }
  EXPECT_EQ(set.size(), reference.size());
}

}  // namespace
}  // namespace jsm::pipeline
