#include "delta/schema_evolution.h"

#include <gtest/gtest.h>

#include "delta/scan.h"
#include "unit/delta/table_fixture.h"

namespace jsm::delta {
namespace {

using testing::DeltaTableTest;

TEST_F(DeltaTableTest, OldFilesReadAnAddedNullableColumnAsNull) {
  auto table = Create();
  Append(table.get(), 0, 3);
  ASSERT_TRUE(AddColumns(table.get(), {Field{"channel", DataType::kString, true}}));
  Append(table.get(), 3, 2);
  auto reopened = DeltaTable::Open(store_.get(), "sales");
  ASSERT_TRUE(reopened);
  auto rows = ScanTable(**reopened);
  ASSERT_TRUE(rows) << rows.error().ToString();
  ASSERT_EQ(rows->batch.num_columns(), 4u);
  EXPECT_EQ(rows->batch.num_rows(), 5u);
  EXPECT_EQ(rows->batch.column(3).null_count(), 5u);
}

TEST_F(DeltaTableTest, AddingANonNullableOrExistingColumnIsRefused) {
  auto table = Create();
  EXPECT_FALSE(AddColumns(table.get(), {Field{"x", DataType::kString, false}}));
  EXPECT_FALSE(AddColumns(table.get(), {Field{"Country", DataType::kString, true}}));
  EXPECT_EQ(table->version(), 0);
}

}  // namespace
}  // namespace jsm::delta
