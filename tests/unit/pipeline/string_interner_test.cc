#include "pipeline/string_interner.h"

#include <gtest/gtest.h>

namespace jsm::pipeline {
namespace {

TEST(StringInterner, SameStringSameIdInOrderOfFirstAppearance) {
  StringInterner interner;
  EXPECT_EQ(interner.Intern("France"), 0u);
  EXPECT_EQ(interner.Intern("Spain"), 1u);
  EXPECT_EQ(interner.Intern(std::string("France")), 0u);
  EXPECT_EQ(interner.Lookup(1), "Spain");
  EXPECT_EQ(interner.size(), 2u);
}

TEST(StringInterner, EmptyStringIsAnOrdinaryValueAndClearForgetsAll) {
  StringInterner interner;
  EXPECT_EQ(interner.Intern(""), 0u);
  EXPECT_EQ(interner.Intern("x"), 1u);
  interner.Clear();
  EXPECT_EQ(interner.size(), 0u);
  EXPECT_EQ(interner.Intern("x"), 0u);
}

TEST(StringInterner, LookupStaysValidAsTheTableGrows) {
  StringInterner interner;
  for (int i = 0; i < 10000; ++i) interner.Intern("key-" + std::to_string(i));
  for (int i = 0; i < 10000; ++i) ASSERT_EQ(interner.Lookup(static_cast<uint32_t>(i)), "key-" + std::to_string(i));
  EXPECT_EQ(interner.Intern("key-77"), 77u);
}

}  // namespace
}  // namespace jsm::pipeline
