#include "delta/table_properties.h"

#include <gtest/gtest.h>

#include "unit/delta/table_fixture.h"

namespace jsm::delta {
namespace {

using testing::DeltaTableTest;

TEST(ParseIntervalMillis, ReadsDeltaIntervalSyntax) {
  EXPECT_EQ(*ParseIntervalMillis("interval 7 days"), 7 * kMillisPerDay);
  EXPECT_EQ(*ParseIntervalMillis("interval 1 hour"), kMillisPerHour);
  EXPECT_EQ(*ParseIntervalMillis("2 weeks"), 14 * kMillisPerDay);
  EXPECT_EQ(*ParseIntervalMillis("INTERVAL 30 MINUTES"), 30 * 60'000);
  EXPECT_FALSE(ParseIntervalMillis("seven days"));
  EXPECT_FALSE(ParseIntervalMillis("interval 7 fortnights"));
}

TEST(ReadTableProperties, DefaultsAreSevenDaysThirtyDaysAndTenCommits) {
  auto properties = ReadTableProperties(Metadata{});
  ASSERT_TRUE(properties);
  EXPECT_FALSE(properties->append_only);
  EXPECT_EQ(properties->checkpoint_interval, 10);
  EXPECT_EQ(properties->deleted_file_retention_ms, 7 * kMillisPerDay);
  EXPECT_EQ(properties->log_retention_ms, 30 * kMillisPerDay);
}

TEST(ReadTableProperties, BadValuesNameTheProperty) {
  Metadata metadata;
  metadata.configuration["delta.checkpointInterval"] = "0";
  auto bad = ReadTableProperties(metadata);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("delta.checkpointInterval"), std::string::npos);
}

TEST_F(DeltaTableTest, AppendOnlyTableRefusesRemovesWithDataChange) {
  auto table = Create();
  Append(table.get(), 0, 2);
  ASSERT_TRUE(SetTableProperties(table.get(), {{"delta.appendOnly", "true"}}));
  const std::string path = table->snapshot().files.begin()->first;
  auto refused = table->Commit({RemoveFile{.path = path, .deletion_timestamp = 1}}, CommitInfo{.operation = "DELETE"});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("append-only"), std::string::npos);
}

TEST_F(DeltaTableTest, PropertiesNeedingUnsupportedFeaturesAreRefused) {
  auto table = Create();
  auto refused = SetTableProperties(table.get(), {{"delta.enableDeletionVectors", "true"}});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kUnsupported);
  EXPECT_EQ(table->snapshot().protocol.min_writer_version, 2);
}

}  // namespace
}  // namespace jsm::delta
