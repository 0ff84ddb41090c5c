#include "pipeline/product_names.h"

#include <gtest/gtest.h>

namespace jsm::pipeline {
namespace {

model::ProductNameRules Rules(std::string overrides = "") {
  auto rules = model::ProductNameRules::Parse("o.csv", "product_no,product_name\n" + overrides, "t.csv",
                                              "wrong,right\n");
  EXPECT_TRUE(rules) << rules.error().message();
  return *rules;
}

TEST(ProductNames, TheMostFrequentSpellingSoFarWins) {
  const model::ProductNameRules rules = Rules();
  ProductNames names(&rules);
  EXPECT_EQ(names.Canonical("22485"), "");
  EXPECT_EQ(names.Count("22485", "Wooden Crates"), "Wooden Crates");
  EXPECT_EQ(names.Count("22485", "Wooden Crate"), "Wooden Crate");  // 1:1, byte-wise smaller wins the tie
  EXPECT_EQ(names.Count("22485", "Wooden Crates"), "Wooden Crates");  // 2:1
  EXPECT_EQ(names.Count("22485", "Wooden Crate"), "Wooden Crate");    // 2:2, tie again
  EXPECT_EQ(names.Count("22485", "Wooden Crates"), "Wooden Crates");  // 3:2
  EXPECT_EQ(names.Canonical("22485"), "Wooden Crates");
  EXPECT_EQ(names.Count("85123A", "Heart"), "Heart");  // products are independent
  EXPECT_EQ(names.Canonical("22485"), "Wooden Crates");
  EXPECT_EQ(names.products(), 2u);
  EXPECT_EQ(names.spellings(), 3u);
}

TEST(ProductNames, TiesGoToTheByteWiseSmallestWhateverTheOrder) {
  const model::ProductNameRules rules = Rules();
  ProductNames first(&rules), second(&rules);
  first.Count("1", "b", 2);
  first.Count("1", "a", 2);
  second.Count("1", "a", 2);
  second.Count("1", "b", 2);
  EXPECT_EQ(first.Canonical("1"), "a");
  EXPECT_EQ(second.Canonical("1"), "a");
}

TEST(ProductNames, AnOverrideWinsWhateverTheCounts) {
  const model::ProductNameRules rules = Rules("22485,Set Of 2 Wooden Market Crates\n");
  ProductNames names(&rules);
  EXPECT_EQ(names.Count("22485", "Crates", 100), "Set Of 2 Wooden Market Crates");
  EXPECT_EQ(names.Canonical("22485"), "Set Of 2 Wooden Market Crates");
  EXPECT_EQ(names.Canonical("99999"), "");
}

TEST(ProductNames, ClearForgetsTheCounts) {
  const model::ProductNameRules rules = Rules();
  ProductNames names(&rules);
  names.Count("1", "a", 5);
  names.Clear();
  EXPECT_EQ(names.products(), 0u);
  EXPECT_EQ(names.Count("1", "b"), "b");
}

}  // namespace
}  // namespace jsm::pipeline
