#include "delta/optimize.h"

#include <gtest/gtest.h>

#include "delta/scan.h"
#include "unit/delta/table_fixture.h"

namespace jsm::delta {
namespace {

using testing::DeltaTableTest;

TEST_F(DeltaTableTest, OptimizeCompactsSmallFilesWithoutChangingRows) {
  auto table = Create();
  for (int i = 0; i < 5; ++i) Append(table.get(), i * 10, 10);
  auto before = ScanTable(*table);
  ASSERT_TRUE(before);
  auto metrics = Optimize(table.get());
  ASSERT_TRUE(metrics) << metrics.error().ToString();
  EXPECT_EQ(metrics->files_removed, 5);
  EXPECT_EQ(metrics->files_added, 1);
  EXPECT_EQ(metrics->rows, 50);
  EXPECT_EQ(table->snapshot().files.size(), 1u);
  auto commit = table->ReadCommit(metrics->version);
  ASSERT_TRUE(commit);
  for (const Action& action : commit->actions) {
    if (const auto* add = std::get_if<AddFile>(&action)) EXPECT_FALSE(add->data_change);
    if (const auto* remove = std::get_if<RemoveFile>(&action)) EXPECT_FALSE(remove->data_change);
  }
  auto after = ScanTable(*table);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->batch.num_rows(), 50u);
  int64_t sum_before = 0, sum_after = 0;
  for (size_t r = 0; r < 50; ++r) sum_before += before->batch.column(2).IntAt(r), sum_after += after->batch.column(2).IntAt(r);
  EXPECT_EQ(sum_before, sum_after);
}

TEST_F(DeltaTableTest, OptimizeKeepsPartitionsApartAndSkipsLoneFiles) {
  auto table = Create({"country"});
  Append(table.get(), 0, 4);  // one file per country
  Append(table.get(), 4, 4);
  auto metrics = Optimize(table.get());
  ASSERT_TRUE(metrics) << metrics.error().ToString();
  EXPECT_EQ(metrics->partitions_optimized, 2);
  EXPECT_EQ(table->snapshot().files.size(), 2u);
  auto again = Optimize(table.get());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->version, -1);  // nothing left to compact
}

}  // namespace
}  // namespace jsm::delta
