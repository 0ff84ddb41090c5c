#include "delta/partition_values.h"

#include <gtest/gtest.h>

namespace jsm::delta {
namespace {

TEST(PartitionDirectory, EscapesLikeHiveAndNamesNulls) {
  EXPECT_EQ(PartitionDirectory({"a", "b"}, {{"a", "x/y"}, {"b", ""}}), "a=x%2Fy/b=__HIVE_DEFAULT_PARTITION__/");
  EXPECT_EQ(PartitionDirectory({"day"}, {{"day", "2024-01-02"}}), "day=2024-01-02/");
}

TEST(PartitionColumn, FillsTypedValuesAndNulls) {
  auto column = PartitionColumn(Field{"day", DataType::kDate}, "2024-01-02", 3, "f");
  ASSERT_TRUE(column);
  ASSERT_EQ(column->size(), 3u);
  EXPECT_EQ(column->IntAt(2), 19724);
  auto nulls = PartitionColumn(Field{"day", DataType::kDate}, "", 2, "f");
  ASSERT_TRUE(nulls);
  EXPECT_EQ(nulls->null_count(), 2u);
  EXPECT_FALSE(PartitionColumn(Field{"n", DataType::kInt64}, "abc", 1, "f"));
}

}  // namespace
}  // namespace jsm::delta
