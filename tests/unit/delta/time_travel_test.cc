#include "delta/time_travel.h"

#include <gtest/gtest.h>

#include "delta/scan.h"
#include "unit/delta/table_fixture.h"

namespace jsm::delta {
namespace {

using testing::DeltaTableTest;

TEST_F(DeltaTableTest, OpenAtVersionSeesOnlyThatVersionsRows) {
  auto table = Create();
  Append(table.get(), 0, 3);
  Append(table.get(), 3, 4);
  auto old = DeltaTable::OpenAtVersion(store_.get(), "sales", 1);
  ASSERT_TRUE(old) << old.error().ToString();
  EXPECT_EQ((*old)->version(), 1);
  auto rows = ScanTable(**old);
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->batch.num_rows(), 3u);
}

TEST_F(DeltaTableTest, OpenAtMissingVersionIsNotFoundNamingTheRange) {
  auto table = Create();
  Append(table.get(), 0, 1);
  auto missing = DeltaTable::OpenAtVersion(store_.get(), "sales", 7);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message().find("no version 7 (versions 0 to 1 exist)"), std::string::npos);
}

TEST(VersionAtTimestamp, PicksLatestVersionCommittedAtOrBefore) {
  const std::vector<VersionTimestamp> timestamps = {{0, 1000}, {1, 2000}, {2, 3000}};
  EXPECT_EQ(*VersionAtTimestamp(timestamps, 1000, "t"), 0);
  EXPECT_EQ(*VersionAtTimestamp(timestamps, 2999, "t"), 1);
  EXPECT_EQ(*VersionAtTimestamp(timestamps, 3000, "t"), 2);
  auto early = VersionAtTimestamp(timestamps, 999, "t");
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code(), ErrorCode::kNotFound);
}

TEST(VersionAtTimestamp, RefusesTimeAfterLatestCommit) {
  const std::vector<VersionTimestamp> timestamps = {{0, 1000}, {1, 2000}, {2, 3000}};
  auto late = VersionAtTimestamp(timestamps, 3001, "t");
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(late.error().message().find("after its latest commit (version 2"), std::string::npos)
      << late.error().message();
}

TEST(VersionAtTimestamp, RefusesTimeBeforeFirstCommit) {
  const std::vector<VersionTimestamp> timestamps = {{0, 1000}, {1, 2000}};
  auto early = VersionAtTimestamp(timestamps, 999, "t");
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(early.error().message().find("earliest available version 0"), std::string::npos)
      << early.error().message();
}

TEST_F(DeltaTableTest, CommitTimestampsIncreaseWithVersions) {
  auto table = Create();
  for (int i = 0; i < 5; ++i) Append(table.get(), i, 1);
  auto timestamps = ReadCommitTimestamps(*table);
  ASSERT_TRUE(timestamps);
  ASSERT_EQ(timestamps->size(), 6u);
  for (size_t i = 1; i < timestamps->size(); ++i) EXPECT_GT((*timestamps)[i].timestamp_ms, (*timestamps)[i - 1].timestamp_ms);
  auto at = DeltaTable::OpenAtTimestamp(store_.get(), "sales", (*timestamps)[2].timestamp_ms);
  ASSERT_TRUE(at) << at.error().ToString();
  EXPECT_EQ((*at)->version(), 2);
}

}  // namespace
}  // namespace jsm::delta
