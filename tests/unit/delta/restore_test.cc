#include "delta/restore.h"

#include <gtest/gtest.h>

#include "delta/scan.h"
#include "delta/table_properties.h"
#include "unit/delta/table_fixture.h"

namespace jsm::delta {
namespace {

using testing::DeltaTableTest;

TEST_F(DeltaTableTest, RestoreBringsBackTheFileSetOfAVersionInOneCommit) {
  auto table = Create();
  Append(table.get(), 0, 3);
  Append(table.get(), 3, 3);
  auto metrics = Restore(table.get(), 1);
  ASSERT_TRUE(metrics) << metrics.error().ToString();
  EXPECT_EQ(metrics->version, 3);
  EXPECT_EQ(metrics->files_removed, 1);
  auto rows = ScanTable(*table);
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->batch.num_rows(), 3u);
}

TEST_F(DeltaTableTest, RestoreOfAnAppendOnlyTableIsRefused) {
  auto table = Create();
  Append(table.get(), 0, 3);
  ASSERT_TRUE(SetTableProperties(table.get(), {{"delta.appendOnly", "true"}}));
  Append(table.get(), 3, 3);
  auto refused = Restore(table.get(), 1);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("append-only"), std::string::npos);
}

TEST_F(DeltaTableTest, RestoreConflictsWithAConcurrentAppend) {
  auto table = Create();
  Append(table.get(), 0, 3);
  Append(table.get(), 3, 3);
  auto other = DeltaTable::Open(store_.get(), "sales");
  ASSERT_TRUE(other);
  Append(other->get(), 6, 3);  // lands while `table` still sees version 2
  auto conflict = Restore(table.get(), 1);
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().code(), ErrorCode::kConflict);
}

}  // namespace
}  // namespace jsm::delta
