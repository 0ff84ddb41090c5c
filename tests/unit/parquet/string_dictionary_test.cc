#include "parquet/string_dictionary.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace jsm::parquet {
namespace {

TEST(StringDictionary, AssignsDenseIndicesInFirstSeenOrder) {
  StringDictionary dictionary;
  dictionary.Reset(100, 1000);
  EXPECT_EQ(dictionary.Insert("b"), 0);
  EXPECT_EQ(dictionary.Insert("a"), 1);
  EXPECT_EQ(dictionary.Insert("b"), 0);
  EXPECT_EQ(dictionary.Insert(""), 2);
  EXPECT_EQ(dictionary.Insert(""), 2);
  ASSERT_EQ(dictionary.size(), 3u);
  EXPECT_EQ(dictionary.entries()[1], "a");
  EXPECT_EQ(dictionary.plain_bytes(), 4u * 3 + 2);
}

TEST(StringDictionary, RefusesNewEntriesBeyondTheEntryLimitButFindsExistingOnes) {
  StringDictionary dictionary;
  dictionary.Reset(2, 1000);
  EXPECT_EQ(dictionary.Insert("x"), 0);
  EXPECT_EQ(dictionary.Insert("y"), 1);
  EXPECT_EQ(dictionary.Insert("z"), -1);
  EXPECT_EQ(dictionary.Insert("x"), 0);
}

TEST(StringDictionary, RefusesEntriesBeyondTheByteLimit) {
  StringDictionary dictionary;
  dictionary.Reset(100, 12);
  EXPECT_EQ(dictionary.Insert("abc"), 0);    // 4 + 3 = 7 bytes
  EXPECT_EQ(dictionary.Insert("defg"), -1);  // would make 15
  EXPECT_EQ(dictionary.Insert("d"), 1);      // makes exactly 12
}

TEST(StringDictionary, ResetEmptiesIt) {
  StringDictionary dictionary;
  dictionary.Reset(10, 100);
  dictionary.Insert("a");
  dictionary.Reset(10, 100);
  EXPECT_EQ(dictionary.size(), 0u);
  EXPECT_EQ(dictionary.Insert("b"), 0);
}

TEST(StringDictionary, StaysCorrectWhileGrowingToManyEntries) {
  std::vector<std::string> values;
  for (int i = 0; i < 100000; ++i) values.push_back("value-" + std::to_string(i * 7919));
  StringDictionary dictionary;
  dictionary.Reset(values.size(), size_t{1} << 30);
  for (size_t i = 0; i < values.size(); ++i) ASSERT_EQ(dictionary.Insert(values[i]), static_cast<int64_t>(i));
  for (size_t i = 0; i < values.size(); ++i) ASSERT_EQ(dictionary.Insert(values[i]), static_cast<int64_t>(i));
}

TEST(HashBytes, DistinguishesLengthAndTrailingZeros) {
  EXPECT_NE(HashBytes("a"), HashBytes(std::string_view("a\0", 2)));
  EXPECT_NE(HashBytes(""), HashBytes(std::string_view("\0", 1)));
  EXPECT_NE(HashBytes("abcdefgh"), HashBytes("abcdefgi"));
  EXPECT_EQ(HashBytes("same"), HashBytes(std::string("same")));
}

}  // namespace
}  // namespace jsm::parquet
