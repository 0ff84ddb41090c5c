#include "model/normalize_text.h"

#include <gtest/gtest.h>

namespace jsm::model {
namespace {

TEST(NormalizeText, TrimRemovesOnlyOuterAsciiWhitespace) {
  EXPECT_EQ(TrimAsciiWhitespace("  a b \t\r\n"), "a b");
  EXPECT_EQ(TrimAsciiWhitespace(" \t "), "");
  EXPECT_EQ(TrimAsciiWhitespace(""), "");
  EXPECT_EQ(TrimAsciiWhitespace("\xC2\xA0x"), "\xC2\xA0x");  // NBSP is not ASCII whitespace
}

TEST(NormalizeText, CollapseReturnsInputViewWhenAlreadyNormal) {
  std::string scratch;
  const std::string text = "Set Of 2 Wooden Market Crates";
  const std::string_view result = CollapseWhitespace(text, &scratch);
  EXPECT_EQ(result, text);
  EXPECT_EQ(result.data(), text.data());
  EXPECT_TRUE(scratch.empty());
}

TEST(NormalizeText, CollapseTrimsAndMergesInnerRuns) {
  std::string scratch;
  EXPECT_EQ(CollapseWhitespace("  Jumbo   Bag\t\tRed \n Retrospot ", &scratch), "Jumbo Bag Red Retrospot");
  EXPECT_EQ(CollapseWhitespace("a\tb", &scratch), "a b");
  EXPECT_EQ(CollapseWhitespace("   ", &scratch), "");
}

TEST(NormalizeText, UpperAsciiChangesOnlyLowerCaseLetters) {
  std::string scratch;
  const std::string upper = "85123A";
  EXPECT_EQ(UpperAscii(upper, &scratch).data(), upper.data());
  EXPECT_EQ(UpperAscii("85123a", &scratch), "85123A");
  EXPECT_EQ(UpperAscii("ab-\xC3\xA9", &scratch), "AB-\xC3\xA9");
}

}  // namespace
}  // namespace jsm::model
