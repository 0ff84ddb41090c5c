#include "delta/history.h"

#include <gtest/gtest.h>

#include "unit/delta/table_fixture.h"

namespace jsm::delta {
namespace {

using testing::DeltaTableTest;

TEST_F(DeltaTableTest, HistoryListsEveryVersionNewestFirstWithOperation) {
  auto table = Create();
  Append(table.get(), 0, 2);
  auto history = ReadHistory(*table);
  ASSERT_TRUE(history) << history.error().ToString();
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].version, 1);
  EXPECT_EQ((*history)[0].info.operation, "WRITE");
  EXPECT_EQ((*history)[0].files_added, 1);
  EXPECT_EQ((*history)[1].info.operation, "CREATE TABLE");
  auto limited = ReadHistory(*table, 1);
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->size(), 1u);
}

}  // namespace
}  // namespace jsm::delta
