#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <set>
#include <thread>

#include "delta/table.h"
#include "storage/local_store.h"
#include "unit/storage/temp_dir.h"

namespace jsm::delta {
namespace {

Schema EventsSchema() { return Schema{{Field{"id", DataType::kInt64, false}, Field{"v", DataType::kString, true}}}; }

AddFile Add(std::string path) {
  AddFile add;
  add.path = std::move(path);
  add.size = 100;
  add.modification_time = 1;
  add.stats = R"({"numRecords":5})";
  add.num_records = 5;
  return add;
}

RemoveFile Remove(std::string path) {
  RemoveFile remove;
  remove.path = std::move(path);
  remove.deletion_timestamp = 2;
  remove.size = 100;
  return remove;
}

CommitInfo Write() { return CommitInfo{.operation = "WRITE"}; }

class CommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::LocalStore::Open(dir_.path());
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    ASSERT_TRUE(DeltaTable::OpenOrCreate(store_.get(), "events", "events", EventsSchema()));
  }

  std::unique_ptr<DeltaTable> Handle() {
    auto table = DeltaTable::Open(store_.get(), "events");
    EXPECT_TRUE(table) << table.error().ToString();
    return table ? std::move(*table) : nullptr;
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::LocalStore> store_;
};

TEST_F(CommitTest, AppendLandsAtNextVersionAsBlindAppendWithTimestamp) {
  auto table = Handle();
  auto version = table->Commit({Add("a.parquet"), Txn{"app", 1, 5}}, Write());
  ASSERT_TRUE(version) << version.error().ToString();
  EXPECT_EQ(*version, 1);
  EXPECT_EQ(table->version(), 1);
  EXPECT_EQ(table->snapshot().files.at("a.parquet").num_records, 5);
  EXPECT_EQ(table->AppVersion("app"), 1);

  auto commit = table->ReadCommit(1);
  ASSERT_TRUE(commit);
  const auto& info = std::get<CommitInfo>(commit->actions.front());
  EXPECT_TRUE(info.is_blind_append);
  EXPECT_GT(info.timestamp, 0);
  EXPECT_EQ(info.engine_info.rfind("jsm-pipeline/", 0), 0u);
  EXPECT_EQ(table->snapshot().timestamp_ms, info.timestamp);
}

TEST_F(CommitTest, GivenTimestampIsKept) {
  auto table = Handle();
  CommitInfo info = Write();
  info.timestamp = 1234;
  ASSERT_TRUE(table->Commit({Add("a.parquet")}, info));
  EXPECT_EQ(std::get<CommitInfo>(table->ReadCommit(1)->actions.front()).timestamp, 1234);
}

TEST_F(CommitTest, RemovePlusAddRewritesFilesAndIsNotBlindAppend) {
  auto table = Handle();
  ASSERT_TRUE(table->Commit({Add("a.parquet"), Add("b.parquet")}, Write()));
  auto version = table->Commit({Remove("a.parquet"), Remove("b.parquet"), Add("ab.parquet")},
                               CommitInfo{.operation = "OPTIMIZE"});
  ASSERT_TRUE(version) << version.error().ToString();
  EXPECT_EQ(*version, 2);
  ASSERT_EQ(table->snapshot().files.size(), 1u);
  EXPECT_TRUE(table->snapshot().files.contains("ab.parquet"));
  EXPECT_FALSE(std::get<CommitInfo>(table->ReadCommit(2)->actions.front()).is_blind_append);

  auto reopened = Handle();
  EXPECT_EQ(reopened->snapshot().files.size(), 1u);
  EXPECT_TRUE(reopened->snapshot().files.contains("ab.parquet"));
}

TEST_F(CommitTest, TwoHandlesAppendingBothLandAtDistinctVersions) {
  auto first = Handle();
  auto second = Handle();
  auto v1 = first->Commit({Add("first.parquet"), Txn{"writer-1", 1, 0}}, Write());
  auto v2 = second->Commit({Add("second.parquet"), Txn{"writer-2", 1, 0}}, Write());
  ASSERT_TRUE(v1) << v1.error().ToString();
  ASSERT_TRUE(v2) << v2.error().ToString();
  EXPECT_EQ(*v1, 1);
  EXPECT_EQ(*v2, 2);
  // The second handle caught up with the first writer's commit on the way.
  EXPECT_EQ(second->snapshot().files.size(), 2u);
  EXPECT_EQ(second->AppVersion("writer-1"), 1);
  auto reopened = Handle();
  EXPECT_EQ(reopened->version(), 2);
  EXPECT_EQ(reopened->snapshot().files.size(), 2u);
}

TEST_F(CommitTest, SecondWriterCarryingTxnForSameAppIdGetsConflict) {
  auto first = Handle();
  auto second = Handle();
  ASSERT_TRUE(first->Commit({Add("a.parquet"), Txn{"ingest-0", 7, 0}}, Write()));
  auto conflicted = second->Commit({Add("b.parquet"), Txn{"ingest-0", 7, 0}}, Write());
  ASSERT_FALSE(conflicted);
  EXPECT_EQ(conflicted.error().code(), ErrorCode::kConflict);
  EXPECT_NE(conflicted.error().message().find("appId 'ingest-0'"), std::string::npos) << conflicted.error().message();
  // The loser's snapshot now shows the winner, so it can see how far the app got.
  EXPECT_EQ(second->AppVersion("ingest-0"), 7);
  EXPECT_EQ(*second->LatestVersion(), 1);
}

TEST_F(CommitTest, ConcurrentRemoveOfSameFileConflicts) {
  auto setup = Handle();
  ASSERT_TRUE(setup->Commit({Add("a.parquet")}, Write()));
  auto first = Handle();
  auto second = Handle();
  ASSERT_TRUE(first->Commit({Remove("a.parquet"), Add("a2.parquet")}, Write()));
  auto conflicted = second->Commit({Remove("a.parquet"), Add("a3.parquet")}, Write());
  ASSERT_FALSE(conflicted);
  EXPECT_EQ(conflicted.error().code(), ErrorCode::kConflict);
  EXPECT_NE(conflicted.error().message().find("removed file a.parquet"), std::string::npos)
      << conflicted.error().message();
}

TEST_F(CommitTest, RemoveConflictsWithConcurrentAppend) {
  auto setup = Handle();
  ASSERT_TRUE(setup->Commit({Add("a.parquet")}, Write()));
  auto appender = Handle();
  auto rewriter = Handle();
  ASSERT_TRUE(appender->Commit({Add("new.parquet")}, Write()));
  auto conflicted = rewriter->Commit({Remove("a.parquet")}, Write());
  ASSERT_FALSE(conflicted);
  EXPECT_EQ(conflicted.error().code(), ErrorCode::kConflict);
}

TEST_F(CommitTest, ConcurrentMetadataChangeConflictsWithAppend) {
  auto first = Handle();
  auto second = Handle();
  Metadata metadata = first->snapshot().metadata;
  metadata.configuration["delta.appendOnly"] = "true";
  ASSERT_TRUE(first->Commit({metadata}, CommitInfo{.operation = "SET TBLPROPERTIES"}));
  auto conflicted = second->Commit({Add("x.parquet")}, Write());
  ASSERT_FALSE(conflicted);
  EXPECT_EQ(conflicted.error().code(), ErrorCode::kConflict);
  EXPECT_NE(conflicted.error().message().find("metadata"), std::string::npos);
}

TEST_F(CommitTest, GivesUpAfterMaxRetries) {
  auto stale = Handle();
  auto writer = Handle();
  ASSERT_TRUE(writer->Commit({Add("1.parquet")}, Write()));
  ASSERT_TRUE(writer->Commit({Add("2.parquet")}, Write()));
  auto result = stale->Commit({Add("3.parquet")}, Write(), CommitOptions{.max_retries = 1});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), ErrorCode::kConflict);
  EXPECT_NE(result.error().message().find("gave up"), std::string::npos) << result.error().message();
  // With enough retries the same commit lands after both.
  auto landed = stale->Commit({Add("3.parquet")}, Write());
  ASSERT_TRUE(landed) << landed.error().ToString();
  EXPECT_EQ(*landed, 3);
}

TEST_F(CommitTest, ManyConcurrentWritersAllLand) {
  constexpr int kThreads = 4;
  constexpr int kCommitsEach = 15;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto table = DeltaTable::Open(store_.get(), "events");
      if (!table) {
        ++failures;
        return;
      }
      for (int i = 0; i < kCommitsEach; ++i) {
        const std::string name = "w" + std::to_string(t) + "-" + std::to_string(i) + ".parquet";
        auto version = (*table)->Commit({Add(name), Txn{"writer-" + std::to_string(t), i, 0}}, Write(),
                                        CommitOptions{.max_retries = 1000});
        if (!version) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  auto table = Handle();
  EXPECT_EQ(table->version(), kThreads * kCommitsEach);
  EXPECT_EQ(table->snapshot().files.size(), static_cast<size_t>(kThreads * kCommitsEach));
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(table->AppVersion("writer-" + std::to_string(t)), kCommitsEach - 1);
}

TEST_F(CommitTest, LostRacesAreCountedAsCommitConflicts) {
  auto stale = Handle();
  auto writer = Handle();
  ASSERT_TRUE(writer->Commit({Add("1.parquet")}, Write()));
  EXPECT_EQ(writer->last_commit_conflicts(), 0);
  ASSERT_TRUE(writer->Commit({Add("2.parquet")}, Write()));
  // The stale handle tries version 1, then 2 (both taken), and lands at 3.
  auto landed = stale->Commit({Add("3.parquet")}, Write());
  ASSERT_TRUE(landed) << landed.error().ToString();
  EXPECT_EQ(*landed, 3);
  EXPECT_EQ(stale->last_commit_conflicts(), 2);
  // The count is per commit: the next one, up to date, has none.
  ASSERT_TRUE(stale->Commit({Add("4.parquet")}, Write()));
  EXPECT_EQ(stale->last_commit_conflicts(), 0);
}

TEST_F(CommitTest, ACommitRefusedByAConflictCountsItsLostRace) {
  auto first = Handle();
  auto second = Handle();
  ASSERT_TRUE(first->Commit({Add("a.parquet"), Txn{"ingest-0", 7, 0}}, Write()));
  ASSERT_FALSE(second->Commit({Add("b.parquet"), Txn{"ingest-0", 7, 0}}, Write()));
  EXPECT_EQ(second->last_commit_conflicts(), 1);
}

TEST_F(CommitTest, RacingWritersReportEveryVersionTheyFoundTaken) {
  constexpr int kThreads = 2;
  constexpr int kCommitsEach = 25;
  std::atomic<int> failures{0};
  std::atomic<int64_t> conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto table = DeltaTable::Open(store_.get(), "events");
      if (!table) {
        ++failures;
        return;
      }
      for (int i = 0; i < kCommitsEach; ++i) {
        const int64_t before = (*table)->version();
        const std::string name = "r" + std::to_string(t) + "-" + std::to_string(i) + ".parquet";
        auto version = (*table)->Commit({Add(name)}, Write(), CommitOptions{.max_retries = 1000});
        if (!version) {
          ++failures;
          continue;
        }
        // Every version between the snapshot's next and the one that landed was taken.
        if ((*table)->last_commit_conflicts() != *version - before - 1) ++failures;
        conflicts += (*table)->last_commit_conflicts();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Handle()->version(), kThreads * kCommitsEach);
  std::printf("racing writers: %lld commit conflicts over %d commits\n", static_cast<long long>(conflicts.load()),
              kThreads * kCommitsEach);
}

TEST_F(CommitTest, CommitInfoAmongActionsIsRejected) {
  auto table = Handle();
  auto result = table->Commit({Write()}, Write());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(*table->LatestVersion(), 0);
}

TEST_F(CommitTest, DuplicateAddPathIsRejected) {
  auto table = Handle();
  auto result = table->Commit({Add("a.parquet"), Add("a.parquet")}, Write());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(CommitTest, AppendOnlyTableRefusesRemovesThatChangeData) {
  auto table = Handle();
  Metadata metadata = table->snapshot().metadata;
  metadata.configuration["delta.appendOnly"] = "true";
  ASSERT_TRUE(table->Commit({metadata, Add("a.parquet")}, CommitInfo{.operation = "SET TBLPROPERTIES"}));
  auto refused = table->Commit({Remove("a.parquet")}, Write());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.error().message().find("append-only"), std::string::npos) << refused.error().message();
  // Rearranging data (dataChange=false) stays allowed.
  RemoveFile compaction = Remove("a.parquet");
  compaction.data_change = false;
  AddFile rewritten = Add("a2.parquet");
  rewritten.data_change = false;
  EXPECT_TRUE(table->Commit({compaction, rewritten}, CommitInfo{.operation = "OPTIMIZE"}));
}

}  // namespace
}  // namespace jsm::delta

namespace jsm::delta {
namespace {

TEST_F(CommitTest, CompactionCommutesWithAConcurrentBlindAppend) {
  auto a = Handle();
  ASSERT_TRUE(a->Commit({Add("f1"), Add("f2")}, Write()));
  auto b = Handle();
  ASSERT_TRUE(a->Commit({Add("f3")}, Write()));  // b has not seen it
  RemoveFile r1 = Remove("f1"), r2 = Remove("f2");
  r1.data_change = r2.data_change = false;
  AddFile merged = Add("f12");
  merged.data_change = false;
  auto version = b->Commit({r1, r2, merged}, CommitInfo{.operation = "OPTIMIZE"});
  ASSERT_TRUE(version) << version.error().ToString();
  EXPECT_EQ(b->snapshot().files.size(), 2u);  // f3 and f12
}

TEST_F(CommitTest, WholeTableCommitConflictsWithAConcurrentAppend) {
  auto a = Handle();
  auto b = Handle();
  ASSERT_TRUE(a->Commit({Add("f1")}, Write()));
  CommitOptions options;
  options.reads_whole_table = true;
  auto refused = b->Commit({Add("f2")}, CommitInfo{.operation = "RESTORE"}, options);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kConflict);
}

TEST_F(CommitTest, ALogLineThatIsNotUtf8IsRefusedNamingTableVersionAndActionAndNothingIsWritten) {
  auto table = Handle();
  AddFile bad = Add("a.parquet");
  bad.stats = "{\"numRecords\":5,\"maxValues\":{\"v\":\"\xff\xfe\x80\"}}";  // a forced bad line
  auto version = table->Commit({bad}, Write());
  ASSERT_FALSE(version);
  EXPECT_EQ(version.error().code(), ErrorCode::kInternal);
  const std::string& message = version.error().message();
  EXPECT_NE(message.find("events"), std::string::npos) << message;
  EXPECT_NE(message.find("version 1"), std::string::npos) << message;
  EXPECT_NE(message.find("'add'"), std::string::npos) << message;
  EXPECT_NE(message.find("UTF-8"), std::string::npos) << message;
  EXPECT_FALSE(store_->Get("events/_delta_log/00000000000000000001.json"));
  EXPECT_EQ(table->version(), 0);
  // The table goes on: the next good commit takes version 1.
  auto good = table->Commit({Add("b.parquet")}, Write());
  ASSERT_TRUE(good) << good.error().ToString();
  EXPECT_EQ(*good, 1);
}


}  // namespace
}  // namespace jsm::delta
