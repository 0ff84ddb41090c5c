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

}  // namespace
}  // namespace jsm::delta
