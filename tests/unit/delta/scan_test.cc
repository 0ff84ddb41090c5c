#include "delta/scan.h"

#include <gtest/gtest.h>

#include "unit/delta/table_fixture.h"

namespace jsm::delta {
namespace {

using testing::DeltaTableTest;

TEST_F(DeltaTableTest, StatsLetAScanSkipFilesOutsideTheRange) {
  auto table = Create();
  Append(table.get(), 0, 10);
  Append(table.get(), 10, 10);
  Append(table.get(), 20, 10);
  auto rows = ScanTable(*table, ScanOptions{.filters = {Predicate{"id", CompareOp::kGe, "25"}}});
  ASSERT_TRUE(rows) << rows.error().ToString();
  EXPECT_EQ(rows->files_total, 3);
  EXPECT_EQ(rows->files_read, 1);
  EXPECT_EQ(rows->batch.num_rows(), 5u);
}

TEST_F(DeltaTableTest, PartitionedTableIsWrittenHiveStyleAndPrunedOnRead) {
  auto table = Create({"country"});
  Append(table.get(), 0, 6);
  ASSERT_EQ(table->snapshot().files.size(), 2u);
  for (const auto& [path, add] : table->snapshot().files) {
    EXPECT_TRUE(path.starts_with("country=" + add.partition_values.at("country") + "/")) << path;
  }
  auto uk = ScanTable(*table, ScanOptions{.filters = {Predicate{"country", CompareOp::kEq, "UK"}}});
  ASSERT_TRUE(uk) << uk.error().ToString();
  EXPECT_EQ(uk->files_read, 1);
  ASSERT_EQ(uk->batch.num_rows(), 3u);
  for (size_t r = 0; r < 3; ++r) EXPECT_EQ(uk->batch.column(1).StringAt(r), "UK");  // filled from the add
}

TEST_F(DeltaTableTest, ScanProjectsAndLimits) {
  auto table = Create();
  Append(table.get(), 0, 10);
  auto rows = ScanTable(*table, ScanOptions{.filters = {Predicate{"country", CompareOp::kEq, "FR"}},
                                            .columns = {"id"},
                                            .limit = 2});
  ASSERT_TRUE(rows) << rows.error().ToString();
  ASSERT_EQ(rows->batch.num_columns(), 1u);
  EXPECT_EQ(rows->batch.num_rows(), 2u);
}

}  // namespace
}  // namespace jsm::delta
