#include "delta/vacuum.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/clock.h"
#include "delta/optimize.h"
#include "delta/table_properties.h"
#include "unit/delta/table_fixture.h"

namespace jsm::delta {
namespace {

using testing::DeltaTableTest;

TEST_F(DeltaTableTest, VacuumRefusesRetentionUnderSevenDaysUnlessForced) {
  auto table = Create();
  auto refused = Vacuum(table.get(), VacuumOptions{.retain_hours = 1});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Vacuum(table.get(), VacuumOptions{.retain_hours = 1, .force = true}));
  EXPECT_TRUE(Vacuum(table.get(), VacuumOptions{.retain_hours = 168}));
}

TEST_F(DeltaTableTest, VacuumKeepsRecentTombstonesAndDeletesExpiredOnes) {
  auto table = Create();
  Append(table.get(), 0, 2);
  Append(table.get(), 2, 2);
  ASSERT_TRUE(Optimize(table.get()));  // two files tombstoned now
  // With the default retention the tombstones are too recent.
  auto kept = Vacuum(table.get(), VacuumOptions{.dry_run = true});
  ASSERT_TRUE(kept);
  EXPECT_TRUE(kept->files.empty());
  // Eight days later they have expired; the dry run deletes nothing.
  const int64_t later = NowMillis() + 8 * kMillisPerDay;
  auto dry = Vacuum(table.get(), VacuumOptions{.dry_run = true, .now_ms = later});
  ASSERT_TRUE(dry);
  ASSERT_EQ(dry->files.size(), 2u);
  EXPECT_GT(dry->bytes, 0);
  EXPECT_TRUE(std::filesystem::exists(dir_.path() + "/sales/" + dry->files[0]));
  auto done = Vacuum(table.get(), VacuumOptions{.now_ms = later});
  ASSERT_TRUE(done);
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/sales/" + dry->files[0]));
  // The current files are never deleted.
  for (const auto& [path, add] : table->snapshot().files) {
    EXPECT_TRUE(std::filesystem::exists(dir_.path() + "/sales/" + path));
  }
}

TEST_F(DeltaTableTest, VacuumLogsStartAndEndCommitsWithSparksParametersAndMetrics) {
  auto table = Create();
  Append(table.get(), 0, 2);
  Append(table.get(), 2, 2);
  ASSERT_TRUE(Optimize(table.get()));
  const int64_t before = table->version();
  const int64_t later = NowMillis() + 8 * kMillisPerDay;
  auto done = Vacuum(table.get(), VacuumOptions{.now_ms = later});
  ASSERT_TRUE(done) << done.error().ToString();
  ASSERT_EQ(done->files.size(), 2u);
  EXPECT_EQ(done->start_version, before + 1);
  EXPECT_EQ(done->end_version, before + 2);
  EXPECT_EQ(table->version(), before + 2);

  auto start = table->ReadCommit(before + 1);
  ASSERT_TRUE(start);
  ASSERT_EQ(start->actions.size(), 1u);  // commitInfo only
  const auto& start_info = std::get<CommitInfo>(start->actions[0]);
  EXPECT_EQ(start_info.operation, "VACUUM START");
  EXPECT_EQ(start_info.operation_parameters.at("retentionCheckEnabled"), "true");
  EXPECT_EQ(start_info.operation_parameters.at("defaultRetentionMillis"), "604800000");
  EXPECT_FALSE(start_info.operation_parameters.contains("specifiedRetentionMillis"));
  EXPECT_EQ(start_info.operation_metrics.at("numFilesToDelete"), "2");
  EXPECT_EQ(start_info.operation_metrics.at("sizeOfDataToDelete"), std::to_string(done->bytes));

  auto end = table->ReadCommit(before + 2);
  ASSERT_TRUE(end);
  ASSERT_EQ(end->actions.size(), 1u);
  const auto& end_info = std::get<CommitInfo>(end->actions[0]);
  EXPECT_EQ(end_info.operation, "VACUUM END");
  EXPECT_EQ(end_info.operation_parameters.at("status"), "COMPLETED");
  EXPECT_EQ(end_info.operation_metrics.at("numDeletedFiles"), "2");
  EXPECT_EQ(end_info.operation_metrics.at("numVacuumedDirectories"), "1");  // the root: not partitioned
  // The table's files did not change.
  auto reopened = DeltaTable::Open(store_.get(), "sales");
  ASSERT_TRUE(reopened);
  EXPECT_EQ((*reopened)->snapshot().files.size(), table->snapshot().files.size());
}

TEST_F(DeltaTableTest, ForcedVacuumRecordsSpecifiedRetentionAndCheckDisabled) {
  auto table = Create();
  Append(table.get(), 0, 1);
  auto done = Vacuum(table.get(), VacuumOptions{.retain_hours = 0, .force = true});
  ASSERT_TRUE(done) << done.error().ToString();
  EXPECT_TRUE(done->files.empty());
  auto start = table->ReadCommit(done->start_version);
  ASSERT_TRUE(start);
  const auto& info = std::get<CommitInfo>(start->actions[0]);
  EXPECT_EQ(info.operation_parameters.at("retentionCheckEnabled"), "false");
  EXPECT_EQ(info.operation_parameters.at("specifiedRetentionMillis"), "0");
  EXPECT_EQ(info.operation_metrics.at("numFilesToDelete"), "0");
}

TEST_F(DeltaTableTest, VacuumDryRunWritesNoCommit) {
  auto table = Create();
  Append(table.get(), 0, 1);
  const int64_t before = table->version();
  auto dry = Vacuum(table.get(), VacuumOptions{.retain_hours = 0, .dry_run = true, .force = true});
  ASSERT_TRUE(dry);
  EXPECT_EQ(dry->start_version, -1);
  auto latest = table->LatestVersion();
  ASSERT_TRUE(latest);
  EXPECT_EQ(*latest, before);
}

}  // namespace
}  // namespace jsm::delta
