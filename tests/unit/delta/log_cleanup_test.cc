#include "delta/log_cleanup.h"

#include <gtest/gtest.h>

#include "common/clock.h"
#include "delta/checkpoint.h"
#include "delta/table.h"
#include "storage/local_store.h"
#include "unit/storage/temp_dir.h"

namespace jsm::delta {
namespace {

class LogCleanupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::LocalStore::Open(dir_.path() + "/lake");
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    auto table = DeltaTable::OpenOrCreate(store_.get(), "t", "t",
                                          Schema{{Field{"id", DataType::kInt64, false}}});
    ASSERT_TRUE(table) << table.error().ToString();
    table_ = std::move(*table);
  }

  void Commits(int n) {
    for (int i = 0; i < n; ++i) {
      AddFile add;
      add.path = "f" + std::to_string(table_->version() + 1) + ".parquet";
      add.size = 1;
      ASSERT_TRUE(table_->Commit({add}, CommitInfo{}));
    }
  }

  bool Exists(const std::string& relative) { return static_cast<bool>(store_->Get("t/" + relative)); }

  testing::TempDir dir_;
  std::unique_ptr<storage::LocalStore> store_;
  std::unique_ptr<DeltaTable> table_;
};

TEST_F(LogCleanupTest, NothingIsDeletedWithinTheRetention) {
  Commits(25);  // checkpoints at 10 and 20, default retention 30 days
  for (int64_t v = 0; v <= 25; ++v) EXPECT_TRUE(Exists(CommitFileName(v))) << v;
  auto deleted = CleanUpExpiredLogs(store_.get(), "t/_delta_log/", 20, NowMillis() - 1000000);
  ASSERT_TRUE(deleted);
  EXPECT_EQ(*deleted, 0);
}

TEST_F(LogCleanupTest, ExpiredFilesBeforeTheNewestCheckpointAreDeletedAndTheTableStillOpens) {
  Commits(25);
  auto deleted = CleanUpExpiredLogs(store_.get(), "t/_delta_log/", 20, NowMillis() + 1000000);
  ASSERT_TRUE(deleted) << deleted.error().ToString();
  EXPECT_EQ(*deleted, 20 + 1);  // commits 0..19 and the checkpoint of 10
  EXPECT_FALSE(Exists(CommitFileName(19)));
  EXPECT_FALSE(Exists(CheckpointFileName(10)));
  EXPECT_TRUE(Exists(CommitFileName(20)));
  EXPECT_TRUE(Exists(CheckpointFileName(20)));
  auto opened = DeltaTable::Open(store_.get(), "t");
  ASSERT_TRUE(opened) << opened.error().ToString();
  EXPECT_EQ((*opened)->version(), 25);
  EXPECT_EQ((*opened)->snapshot().files.size(), 25u);
}

TEST_F(LogCleanupTest, UnexpiredFileKeepsTheCheckpointsAfterIt) {
  Commits(25);
  // Version 5 is recent: the boundary can only be a checkpoint before it, and there is none.
  auto recent = CleanUpExpiredLogs(store_.get(), "t/_delta_log/", 20, 0);
  ASSERT_TRUE(recent);
  EXPECT_EQ(*recent, 0);
}

TEST_F(LogCleanupTest, CheckpointWithZeroLogRetentionCleansUpAutomatically) {
  Metadata metadata = table_->snapshot().metadata;
  metadata.configuration["delta.logRetentionDuration"] = "interval 0 days";
  ASSERT_TRUE(table_->Commit({metadata}, CommitInfo{}));
  Commits(11);  // version 12; checkpoint at 10 deletes 0..9
  EXPECT_FALSE(Exists(CommitFileName(0)));
  EXPECT_FALSE(Exists(CommitFileName(9)));
  EXPECT_TRUE(Exists(CommitFileName(10)));
  auto opened = DeltaTable::Open(store_.get(), "t");
  ASSERT_TRUE(opened) << opened.error().ToString();
  EXPECT_EQ((*opened)->version(), 12);
  EXPECT_EQ((*opened)->snapshot().files.size(), 11u);
}

}  // namespace
}  // namespace jsm::delta
