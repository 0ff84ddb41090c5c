#include "delta/table.h"

#include <gtest/gtest.h>

#include <thread>

#include "storage/local_store.h"
#include "unit/storage/temp_dir.h"

namespace jsm::delta {
namespace {

Schema OrdersSchema() {
  return Schema{{Field{"transaction_no", DataType::kString, false}, Field{"quantity", DataType::kInt64, true},
                 Field{"line_total", DataType::kDecimal, true, 18, 2}}};
}

class TableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::LocalStore::Open(dir_.path() + "/lake");
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
  }

  std::unique_ptr<DeltaTable> Create(const std::string& path = "silver/orders") {
    auto table = DeltaTable::OpenOrCreate(store_.get(), path, "orders", OrdersSchema());
    EXPECT_TRUE(table) << table.error().ToString();
    return table ? std::move(*table) : nullptr;
  }

  void WriteLog(const std::string& table, int64_t version, const std::string& text) {
    ASSERT_TRUE(store_->Put(table + "/" + CommitFileName(version), text));
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::LocalStore> store_;
};

constexpr std::string_view kVersionZero =
    R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})"
    "\n"
    R"({"metaData":{"id":"a","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[{\"name\":\"x\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]}","partitionColumns":[],"configuration":{}}})"
    "\n";

TEST(CommitFileName, IsZeroPaddedToTwentyDigits) {
  EXPECT_EQ(CommitFileName(0), "_delta_log/00000000000000000000.json");
  EXPECT_EQ(CommitFileName(123), "_delta_log/00000000000000000123.json");
}

TEST_F(TableTest, OpenOfMissingTableIsNotFound) {
  auto table = DeltaTable::Open(store_.get(), "nothing/here");
  ASSERT_FALSE(table);
  EXPECT_EQ(table.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(table.error().message().find("nothing/here"), std::string::npos) << table.error().message();
}

TEST_F(TableTest, OpenOrCreateWritesVersionZeroWithProtocolMetadataAndCommitInfo) {
  auto table = Create();
  ASSERT_TRUE(table);
  EXPECT_EQ(table->version(), 0);
  EXPECT_EQ(table->schema(), OrdersSchema());
  EXPECT_EQ(table->snapshot().metadata.name, "orders");
  EXPECT_EQ(table->snapshot().metadata.id.size(), 36u);
  EXPECT_GT(table->snapshot().metadata.created_time, 0);
  EXPECT_EQ(table->snapshot().protocol.min_reader_version, 1);
  EXPECT_EQ(table->snapshot().protocol.min_writer_version, 2);
  EXPECT_TRUE(table->snapshot().files.empty());

  auto commit = table->ReadCommit(0);
  ASSERT_TRUE(commit) << commit.error().ToString();
  ASSERT_EQ(commit->actions.size(), 3u);
  const auto& info = std::get<CommitInfo>(commit->actions[0]);
  EXPECT_EQ(info.operation, "CREATE TABLE");
  EXPECT_GT(info.timestamp, 0);
  EXPECT_TRUE(std::holds_alternative<Protocol>(commit->actions[1]));
  EXPECT_TRUE(std::holds_alternative<Metadata>(commit->actions[2]));
  EXPECT_EQ(table->snapshot().timestamp_ms, info.timestamp);
}

TEST_F(TableTest, OpenOrCreateOfExistingTableOpensIt) {
  auto first = Create();
  auto second = Create();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->snapshot().metadata.id, second->snapshot().metadata.id);
  EXPECT_EQ(*second->LatestVersion(), 0);
}

TEST_F(TableTest, ConcurrentOpenOrCreateYieldsOneTable) {
  std::unique_ptr<DeltaTable> tables[4];
  std::vector<std::thread> threads;
  for (auto& table : tables) {
    threads.emplace_back([&] {
      auto opened = DeltaTable::OpenOrCreate(store_.get(), "t", "t", OrdersSchema());
      if (opened) table = std::move(*opened);
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& table : tables) {
    ASSERT_TRUE(table);
    EXPECT_EQ(table->snapshot().metadata.id, tables[0]->snapshot().metadata.id);
    EXPECT_EQ(table->version(), 0);
  }
}

TEST_F(TableTest, OpenOrCreateWithDifferentSchemaIsInvalidArgumentNamingTheDifference) {
  ASSERT_TRUE(Create());
  Schema other = OrdersSchema();
  other.fields[1].type = DataType::kInt32;
  auto table = DeltaTable::OpenOrCreate(store_.get(), "silver/orders", "orders", other);
  ASSERT_FALSE(table);
  EXPECT_EQ(table.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(table.error().message().find("column 'quantity' is long in the table but integer is expected"),
            std::string::npos)
      << table.error().message();
}

TEST_F(TableTest, OpenOrCreateRejectsUnknownPartitionColumn) {
  auto table = DeltaTable::OpenOrCreate(store_.get(), "t", "t", OrdersSchema(), {"country"});
  ASSERT_FALSE(table);
  EXPECT_EQ(table.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(TableTest, RefreshAppliesCommitsOfAnotherHandle) {
  auto writer = Create();
  auto reader = Create();
  ASSERT_TRUE(writer && reader);
  AddFile add;
  add.path = "part-1.parquet";
  ASSERT_TRUE(writer->Commit({add}, CommitInfo{.operation = "WRITE"}));
  ASSERT_TRUE(writer->Commit({Txn{"app", 3, 1}}, CommitInfo{.operation = "WRITE"}));

  EXPECT_EQ(reader->version(), 0);
  EXPECT_EQ(*reader->LatestVersion(), 2);
  auto moved = reader->Refresh();
  ASSERT_TRUE(moved) << moved.error().ToString();
  EXPECT_TRUE(*moved);
  EXPECT_EQ(reader->version(), 2);
  EXPECT_TRUE(reader->snapshot().files.contains("part-1.parquet"));
  EXPECT_EQ(reader->AppVersion("app"), 3);
  EXPECT_FALSE(*reader->Refresh());
}

TEST_F(TableTest, TxnAppVersionsSurviveReopen) {
  auto table = Create();
  ASSERT_TRUE(table);
  EXPECT_EQ(table->AppVersion("ingest-0"), -1);
  ASSERT_TRUE(table->Commit({Txn{"ingest-0", 10, 0}, Txn{"ingest-1", 4, 0}}, CommitInfo{.operation = "WRITE"}));
  ASSERT_TRUE(table->Commit({Txn{"ingest-0", 11, 0}}, CommitInfo{.operation = "WRITE"}));
  auto reopened = DeltaTable::Open(store_.get(), "silver/orders");
  ASSERT_TRUE(reopened);
  EXPECT_EQ((*reopened)->AppVersion("ingest-0"), 11);
  EXPECT_EQ((*reopened)->AppVersion("ingest-1"), 4);
  EXPECT_EQ((*reopened)->AppVersion("other"), -1);
}

TEST_F(TableTest, TablePathSlashesAreNormalized) {
  ASSERT_TRUE(Create("gold/x/"));
  auto table = DeltaTable::Open(store_.get(), "/gold/x");
  ASSERT_TRUE(table) << table.error().ToString();
  EXPECT_EQ((*table)->path(), "gold/x");
}

TEST_F(TableTest, OtherFilesInTheLogAreIgnored) {
  WriteLog("t", 0, std::string(kVersionZero));
  ASSERT_TRUE(store_->Put("t/_delta_log/00000000000000000000.crc", "{}"));
  ASSERT_TRUE(store_->Put("t/_delta_log/00000000000000000001.json.tmp", "junk"));
  ASSERT_TRUE(store_->Put("t/_delta_log/_staged_commits/00000000000000000001.abc.json", "junk"));
  ASSERT_TRUE(store_->Put("t/_delta_log/_last_checkpoint", "{\"version\":0}"));
  auto table = DeltaTable::Open(store_.get(), "t");
  ASSERT_TRUE(table) << table.error().ToString();
  EXPECT_EQ((*table)->version(), 0);
  EXPECT_EQ((*table)->schema().fields[0].name, "x");
}

TEST_F(TableTest, LogStartingAfterABrokenCheckpointIsCorruption) {
  // Checkpoints are read (checkpoint_test.cc); a truncated one is reported, naming the file.
  ASSERT_TRUE(store_->Put("t/_delta_log/00000000000000000010.checkpoint.parquet", "PAR1"));
  ASSERT_TRUE(store_->Put("t/_delta_log/_last_checkpoint", "{\"version\":10,\"size\":3}"));
  WriteLog("t", 11, "{\"txn\":{\"appId\":\"a\",\"version\":1}}\n");
  auto table = DeltaTable::Open(store_.get(), "t");
  ASSERT_FALSE(table);
  EXPECT_EQ(table.error().code(), ErrorCode::kCorruption);
  EXPECT_NE(table.error().message().find("00000000000000000010.checkpoint.parquet"), std::string::npos)
      << table.error().message();
}

TEST_F(TableTest, LogWithOnlyACheckpointIsUnsupported) {
  ASSERT_TRUE(store_->Put("t/_delta_log/00000000000000000010.checkpoint.parquet", "PAR1"));
  auto table = DeltaTable::Open(store_.get(), "t");
  ASSERT_FALSE(table);
  EXPECT_EQ(table.error().code(), ErrorCode::kUnsupported);
}

TEST_F(TableTest, GapInTheLogIsCorruption) {
  WriteLog("t", 0, std::string(kVersionZero));
  WriteLog("t", 2, "{\"txn\":{\"appId\":\"a\",\"version\":1}}\n");
  auto table = DeltaTable::Open(store_.get(), "t");
  ASSERT_FALSE(table);
  EXPECT_EQ(table.error().code(), ErrorCode::kCorruption);
  EXPECT_NE(table.error().message().find("version 1"), std::string::npos) << table.error().message();
}

TEST_F(TableTest, NewerProtocolIsUnsupportedWithClearMessage) {
  WriteLog("t", 0,
           R"({"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["deletionVectors"],"writerFeatures":["deletionVectors"]}})"
           "\n" +
               std::string(kVersionZero.substr(kVersionZero.find('\n') + 1)));
  auto table = DeltaTable::Open(store_.get(), "t");
  ASSERT_FALSE(table);
  EXPECT_EQ(table.error().code(), ErrorCode::kUnsupported);
  EXPECT_NE(table.error().message().find("needs reader version 3 with reader features we do not implement: deletionVectors"), std::string::npos)
      << table.error().message();
}

TEST_F(TableTest, VersionZeroWithoutMetadataIsCorruption) {
  WriteLog("t", 0, R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})");
  auto table = DeltaTable::Open(store_.get(), "t");
  ASSERT_FALSE(table);
  EXPECT_EQ(table.error().code(), ErrorCode::kCorruption);
}

TEST_F(TableTest, ReadCommitOfMissingVersionIsNotFound) {
  auto table = Create();
  ASSERT_TRUE(table);
  EXPECT_EQ(table->ReadCommit(5).error().code(), ErrorCode::kNotFound);
}

TEST_F(TableTest, EmptyOrTruncatedCommitFileIsCorruptionNotAnEmptyCommit) {
  auto table = Create();
  ASSERT_TRUE(table);
  AddFile add;
  add.path = "part-1.parquet";
  add.num_records = 36350;
  ASSERT_TRUE(table->Commit({add}, CommitInfo{.operation = "WRITE"}));
  ASSERT_TRUE(table->Commit({Txn{"app", 1, 0}}, CommitInfo{.operation = "WRITE"}));
  const std::string key = "silver/orders/" + CommitFileName(1);
  auto original = store_->Get(key);
  ASSERT_TRUE(original);
  const std::string cut_mid_line = original->substr(0, original->find('\n') / 2);
  for (const std::string& damaged : {std::string(), std::string("\n  \n"), cut_mid_line}) {
    ASSERT_TRUE(store_->Put(key, damaged));
    auto opened = DeltaTable::Open(store_.get(), "silver/orders");
    ASSERT_FALSE(opened) << "'" << damaged << "' opened at version " << (*opened)->version();
    EXPECT_EQ(opened.error().code(), ErrorCode::kCorruption);
    EXPECT_NE(opened.error().message().find("00000000000000000001.json"), std::string::npos)
        << opened.error().message();
    EXPECT_EQ(table->ReadCommit(1).error().code(), ErrorCode::kCorruption);
  }
  // A handle opened before the damage does not take the damaged commit as an empty one either.
  ASSERT_TRUE(store_->Put(key, *original));
  auto reader = DeltaTable::Open(store_.get(), "silver/orders");
  ASSERT_TRUE(reader) << reader.error().ToString();
  ASSERT_TRUE(table->Commit({Txn{"app", 2, 0}}, CommitInfo{.operation = "WRITE"}));
  ASSERT_TRUE(store_->Put("silver/orders/" + CommitFileName(3), ""));
  auto refreshed = (*reader)->Refresh();
  ASSERT_FALSE(refreshed);
  EXPECT_EQ(refreshed.error().code(), ErrorCode::kCorruption);
  EXPECT_NE(refreshed.error().message().find("00000000000000000003.json: commit file is empty"), std::string::npos)
      << refreshed.error().message();
}

}  // namespace
}  // namespace jsm::delta
