#include "model/product_name_rules.h"

#include <gtest/gtest.h>

namespace jsm::model {
namespace {

constexpr char kOverridesHeader[] = "product_no,product_name\n";
constexpr char kTyposHeader[] = "wrong,right\n";

Result<ProductNameRules> Rules(std::string overrides, std::string typos) {
  return ProductNameRules::Parse("o.csv", kOverridesHeader + overrides, "t.csv", kTyposHeader + typos);
}

TEST(ProductNameRules, OverridesByUpperCasedProductNoWithCollapsedNames) {
  auto rules = Rules("85123a,  White Hanging  Heart, T-Light Holder\n22485,Crates\n", "");
  ASSERT_TRUE(rules) << rules.error().message();
  EXPECT_EQ(rules->overrides(), 2u);
  EXPECT_EQ(rules->Override("85123A"), "White Hanging Heart, T-Light Holder");
  EXPECT_EQ(rules->Override("22485"), "Crates");
  EXPECT_EQ(rules->Override("99999"), "");
}

TEST(ProductNameRules, TypoFixesReplaceWholeWordsOnly) {
  auto rules = Rules("", "Retrospot,Retro Spot\nColour,Color\n");
  ASSERT_TRUE(rules) << rules.error().message();
  std::string scratch;
  EXPECT_EQ(rules->FixTypos("Red Retrospot Cake Stand", &scratch), "Red Retro Spot Cake Stand");
  EXPECT_EQ(rules->FixTypos("Retrospot", &scratch), "Retro Spot");
  EXPECT_EQ(rules->FixTypos("Colour Retrospot", &scratch), "Color Retro Spot");
  // Not whole words, or another case: unchanged, and a view of the input.
  const std::string unchanged = "Retrospots Colourful retrospot";
  const std::string_view fixed = rules->FixTypos(unchanged, &scratch);
  EXPECT_EQ(fixed, unchanged);
  EXPECT_EQ(fixed.data(), unchanged.data());
}

TEST(ProductNameRules, EmptyTablesChangeNothing) {
  auto rules = Rules("", "");
  ASSERT_TRUE(rules);
  std::string scratch;
  EXPECT_EQ(rules->FixTypos("Anything At All", &scratch), "Anything At All");
  EXPECT_EQ(rules->Override("22485"), "");
}

TEST(ProductNameRules, BadRowsNameTheirFileAndLine) {
  auto duplicate = Rules("22485,A\n22485,B\n", "");
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().message(), "o.csv:3: duplicate product_no '22485' (first on line 2)");
  auto empty_name = Rules("22485,\n", "");
  ASSERT_FALSE(empty_name);
  EXPECT_EQ(empty_name.error().message(), "o.csv:2: empty product_name");
  auto two_words = Rules("", "Red Spot,Redspot\n");
  ASSERT_FALSE(two_words);
  EXPECT_EQ(two_words.error().message().substr(0, 8), "t.csv:2:");
  auto duplicate_word = Rules("", "a,b\nc,d\na,e\n");
  ASSERT_FALSE(duplicate_word);
  EXPECT_EQ(duplicate_word.error().message(), "t.csv:4: duplicate word 'a' (first on line 2)");
  auto empty_right = Rules("", "a,\n");
  ASSERT_FALSE(empty_right);
  EXPECT_EQ(empty_right.error().message(), "t.csv:2: empty replacement");
}

}  // namespace
}  // namespace jsm::model
