#include "delta/log_repair.h"

#include <gtest/gtest.h>

#include "delta/checkpoint.h"
#include "delta/table.h"
#include "storage/local_store.h"
#include "unit/storage/temp_dir.h"

namespace jsm::delta {
namespace {

TEST(ReplaceInvalidUtf8, KeepsValidTextAndReplacesEachBadByte) {
  EXPECT_EQ(ReplaceInvalidUtf8("caf\xc3\xa9 \xf0\x9f\x98\x80"), "caf\xc3\xa9 \xf0\x9f\x98\x80");
  EXPECT_EQ(ReplaceInvalidUtf8("a\xff" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(ReplaceInvalidUtf8("\xc3"), "\xEF\xBF\xBD");               // truncated sequence
  EXPECT_EQ(ReplaceInvalidUtf8("\xed\xa0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  EXPECT_EQ(ReplaceInvalidUtf8(std::string("\0", 1)), std::string("\0", 1));
}

class LogRepairTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::LocalStore::Open(dir_.path());
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    auto table = DeltaTable::OpenOrCreate(store_.get(), "t", "t",
                                          Schema{{Field{"value", DataType::kString, true}}});
    ASSERT_TRUE(table) << table.error().ToString();
    AddFile add;
    add.path = "good.parquet";
    add.size = 10;
    add.stats = R"({"numRecords":1,"minValues":{"value":"a"},"maxValues":{"value":"a"},"nullCount":{"value":0}})";
    ASSERT_TRUE((*table)->Commit({add}, CommitInfo{.operation = "WRITE"}));
    // Version 2 as the earlier release wrote it: raw bytes in the add's maxValues.
    const std::string broken =
        "{\"commitInfo\":{\"timestamp\":5,\"operation\":\"STREAMING UPDATE\"}}\n"
        "{\"add\":{\"path\":\"bad.parquet\",\"partitionValues\":{},\"size\":10,\"modificationTime\":5,"
        "\"dataChange\":true,\"stats\":\"{\\\"numRecords\\\":2,\\\"minValues\\\":{\\\"value\\\":\\\"a\\\"},"
        "\\\"maxValues\\\":{\\\"value\\\":\\\"\xff\xfe\\\\u0000garbage\x80\\\"},\\\"nullCount\\\":{\\\"value\\\":0}}\"}}\n";
    ASSERT_TRUE(store_->PutIfAbsent("t/" + CommitFileName(2), broken));
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::LocalStore> store_;
};

TEST_F(LogRepairTest, ANormalReadOfTheBrokenFileIsCorruptionNamingItAndTheRepairCommand) {
  auto table = DeltaTable::Open(store_.get(), "t");
  ASSERT_FALSE(table);
  EXPECT_EQ(table.error().code(), ErrorCode::kCorruption);
  EXPECT_NE(table.error().message().find("00000000000000000002.json line 2"), std::string::npos)
      << table.error().message();
  EXPECT_NE(table.error().message().find("jsm table repair"), std::string::npos) << table.error().message();
}

TEST_F(LogRepairTest, RepairDropsTheBadStatsAndCheckpointsSoTheTableOpensAgain) {
  auto repair = RepairLog(store_.get(), "t");
  ASSERT_TRUE(repair) << repair.error().ToString();
  EXPECT_EQ(repair->version, 2);
  EXPECT_EQ(repair->lines_not_utf8, 1);
  EXPECT_EQ(repair->stats_dropped, 1);
  EXPECT_TRUE(repair->checkpoint_written);
  EXPECT_TRUE(store_->Get("t/" + CheckpointFileName(2)));
  auto table = DeltaTable::Open(store_.get(), "t");
  ASSERT_TRUE(table) << table.error().ToString();
  EXPECT_EQ((*table)->version(), 2);
  const auto& files = (*table)->snapshot().files;
  ASSERT_EQ(files.size(), 2u);
  EXPECT_TRUE(files.at("bad.parquet").stats.empty());
  EXPECT_FALSE(files.at("good.parquet").stats.empty());  // good stats are kept
  // The table takes commits again, and a second repair finds nothing to do.
  AddFile next;
  next.path = "next.parquet";
  next.size = 1;
  ASSERT_TRUE((*table)->Commit({next}, CommitInfo{.operation = "WRITE"}));
  auto again = RepairLog(store_.get(), "t");
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_FALSE(again->checkpoint_written);
  EXPECT_EQ(again->version, 3);
}

}  // namespace
}  // namespace jsm::delta
