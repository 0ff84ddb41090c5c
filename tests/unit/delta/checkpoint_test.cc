#include "delta/checkpoint.h"

#include <gtest/gtest.h>

#include "common/clock.h"
#include "delta/snapshot.h"
#include "storage/local_store.h"
#include "unit/storage/temp_dir.h"

namespace jsm::delta {
namespace {

Schema TestSchema() {
  return Schema{{Field{"id", DataType::kInt64, false}, Field{"country", DataType::kString, true}}};
}

AddFile MakeAdd(const std::string& path, int64_t records, std::map<std::string, std::string> partition = {}) {
  AddFile add;
  add.path = path;
  add.partition_values = std::move(partition);
  add.size = 1000 + records;
  add.modification_time = 1700000000000 + records;
  add.data_change = true;
  add.stats = R"({"numRecords":)" + std::to_string(records) + "}";
  add.num_records = records;
  return add;
}

void ExpectSnapshotsEqual(const Snapshot& expected, const Snapshot& actual) {
  EXPECT_EQ(expected.version, actual.version);
  EXPECT_EQ(expected.protocol.min_reader_version, actual.protocol.min_reader_version);
  EXPECT_EQ(expected.protocol.min_writer_version, actual.protocol.min_writer_version);
  EXPECT_EQ(expected.metadata.id, actual.metadata.id);
  EXPECT_EQ(expected.metadata.name, actual.metadata.name);
  EXPECT_EQ(expected.metadata.schema, actual.metadata.schema);
  EXPECT_EQ(expected.metadata.partition_columns, actual.metadata.partition_columns);
  EXPECT_EQ(expected.metadata.configuration, actual.metadata.configuration);
  EXPECT_EQ(expected.metadata.created_time, actual.metadata.created_time);
  EXPECT_EQ(expected.app_versions, actual.app_versions);
  ASSERT_EQ(expected.files.size(), actual.files.size());
  for (const auto& [path, add] : expected.files) {
    auto it = actual.files.find(path);
    ASSERT_NE(it, actual.files.end()) << path;
    EXPECT_EQ(add.partition_values, it->second.partition_values) << path;
    EXPECT_EQ(add.size, it->second.size) << path;
    EXPECT_EQ(add.modification_time, it->second.modification_time) << path;
    EXPECT_EQ(add.data_change, it->second.data_change) << path;
    EXPECT_EQ(add.stats, it->second.stats) << path;
    EXPECT_EQ(add.num_records, it->second.num_records) << path;
  }
}

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::LocalStore::Open(dir_.path() + "/lake");
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
  }

  /// A table with `commits` commits after its creation: one add each, a remove
  /// every 4th, a txn every 3rd.
  std::unique_ptr<DeltaTable> TableWithCommits(int commits, const std::string& path = "t") {
    auto table = DeltaTable::OpenOrCreate(store_.get(), path, "t", TestSchema());
    EXPECT_TRUE(table) << table.error().ToString();
    for (int i = 1; i <= commits; ++i) {
      std::vector<Action> actions{MakeAdd("part-" + std::to_string(i) + " x%.parquet", i)};
      if (i % 4 == 0) {
        RemoveFile remove;
        remove.path = "part-" + std::to_string(i - 2) + " x%.parquet";
        remove.deletion_timestamp = NowMillis();
        actions.push_back(remove);
      }
      if (i % 3 == 0) actions.push_back(Txn{"stage-" + std::to_string(i % 2), i, NowMillis()});
      CommitInfo info;
      info.operation = "WRITE";
      auto version = (*table)->Commit(std::move(actions), info);
      EXPECT_TRUE(version) << version.error().ToString();
    }
    return std::move(*table);
  }

  /// The snapshot by replaying every JSON commit from version 0.
  Snapshot JsonReplay(const DeltaTable& table) {
    Snapshot snapshot;
    for (int64_t v = 0;; ++v) {
      auto entry = table.ReadCommit(v);
      if (!entry) break;
      EXPECT_TRUE(ApplyCommit(v, entry->actions, "t", &snapshot));
    }
    return snapshot;
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::LocalStore> store_;
};

TEST(CheckpointFile, NameIsZeroPaddedAndParsedBack) {
  EXPECT_EQ(CheckpointFileName(10), "_delta_log/00000000000000000010.checkpoint.parquet");
  EXPECT_EQ(CheckpointVersionOf("00000000000000000010.checkpoint.parquet"), 10);
  EXPECT_EQ(CheckpointVersionOf("00000000000000000010.checkpoint.0000000001.0000000002.parquet"), -1);
  EXPECT_EQ(CheckpointVersionOf("00000000000000000010.json"), -1);
}

TEST(CheckpointEncoding, SnapshotRoundTripsKeepingUnexpiredTombstonesOnly) {
  Snapshot snapshot;
  snapshot.version = 42;
  snapshot.metadata.id = "id-1";
  snapshot.metadata.name = "orders";
  snapshot.metadata.schema = TestSchema();
  snapshot.metadata.partition_columns = {"country"};
  snapshot.metadata.configuration = {{"delta.checkpointInterval", "5"}, {"x", "y"}};
  snapshot.metadata.created_time = 123;
  snapshot.files["country=GB/a b%.parquet"] = MakeAdd("country=GB/a b%.parquet", 7, {{"country", "GB"}});
  snapshot.files["country=__HIVE_DEFAULT_PARTITION__/c.parquet"] =
      MakeAdd("country=__HIVE_DEFAULT_PARTITION__/c.parquet", 0, {{"country", ""}});
  snapshot.app_versions = {{"ingest", 17}, {"refine", 3}};
  RemoveFile fresh, old;
  fresh.path = "fresh.parquet";
  fresh.deletion_timestamp = 2000;
  old.path = "old.parquet";
  old.deletion_timestamp = 500;
  snapshot.tombstones = {{fresh.path, fresh}, {old.path, old}};
  int64_t actions = 0;
  auto bytes = EncodeCheckpoint(snapshot, 1000, &actions);
  ASSERT_TRUE(bytes) << bytes.error().ToString();
  EXPECT_EQ(actions, 2 + 2 + 2 + 1);  // protocol, metaData, 2 txns, 2 adds, 1 tombstone
  auto decoded = DecodeCheckpoint(*bytes, 42, "cp.parquet");
  ASSERT_TRUE(decoded) << decoded.error().ToString();
  ExpectSnapshotsEqual(snapshot, *decoded);
  ASSERT_EQ(decoded->tombstones.size(), 1u);
  EXPECT_EQ(decoded->tombstones.begin()->second.deletion_timestamp, 2000);
}

TEST(CheckpointEncoding, CheckpointWithoutMetadataIsCorruption) {
  auto decoded = DecodeCheckpoint("PAR1garbagePAR1", 1, "bad.parquet");
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code(), ErrorCode::kCorruption);
  EXPECT_NE(decoded.error().message().find("bad.parquet"), std::string::npos);
}

TEST(LastCheckpoint, JsonRoundTripsAndReadsMultiPartParts) {
  LastCheckpoint last{20, 31, 4096, 25};
  auto parsed = ParseLastCheckpoint(LastCheckpointJson(last));
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->version, 20);
  EXPECT_EQ(parsed->size, 31);
  EXPECT_EQ(parsed->size_in_bytes, 4096);
  EXPECT_EQ(parsed->num_of_add_files, 25);
  auto parts = ParseLastCheckpoint(R"({"version":3,"size":9,"parts":2})");
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->parts, 2);
  EXPECT_EQ(ParseLastCheckpoint("not json").error().code(), ErrorCode::kCorruption);
}

TEST_F(CheckpointTest, CommitWritesACheckpointEveryTenVersions) {
  auto table = TableWithCommits(25);
  ASSERT_EQ(table->version(), 25);
  EXPECT_TRUE(store_->Get("t/" + CheckpointFileName(10)));
  EXPECT_TRUE(store_->Get("t/" + CheckpointFileName(20)));
  EXPECT_FALSE(store_->Get("t/" + CheckpointFileName(15)));
  auto last = store_->Get("t/_delta_log/_last_checkpoint");
  ASSERT_TRUE(last);
  auto parsed = ParseLastCheckpoint(*last);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->version, 20);
  EXPECT_EQ(parsed->num_of_add_files, static_cast<int64_t>(20 - 5));  // removes at 4, 8, ..., 20
}

TEST_F(CheckpointTest, IntervalComesFromTableProperty) {
  auto table = DeltaTable::OpenOrCreate(store_.get(), "p", "p", TestSchema());
  ASSERT_TRUE(table);
  Metadata metadata = (*table)->snapshot().metadata;
  metadata.configuration["delta.checkpointInterval"] = "3";
  ASSERT_TRUE((*table)->Commit({metadata}, CommitInfo{}));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE((*table)->Commit({MakeAdd("f" + std::to_string(i), i)}, CommitInfo{}));
  EXPECT_TRUE(store_->Get("p/" + CheckpointFileName(3)));
  EXPECT_TRUE(store_->Get("p/" + CheckpointFileName(6)));
  EXPECT_FALSE(store_->Get("p/" + CheckpointFileName(5)));
}

TEST_F(CheckpointTest, SnapshotFromCheckpointAndLaterCommitsEqualsJsonReplay) {
  auto table = TableWithCommits(25);
  Snapshot replayed = JsonReplay(*table);
  auto opened = DeltaTable::Open(store_.get(), "t");
  ASSERT_TRUE(opened) << opened.error().ToString();
  ExpectSnapshotsEqual(replayed, (*opened)->snapshot());
  ExpectSnapshotsEqual(replayed, table->snapshot());
}

TEST_F(CheckpointTest, OpenReadsTheCheckpointNotTheEarlierCommits) {
  auto table = TableWithCommits(12);
  Snapshot replayed = JsonReplay(*table);
  // Make the commits the checkpoint covers unreadable: Open must not need them.
  for (int64_t v = 1; v <= 10; ++v) ASSERT_TRUE(store_->Put("t/" + CommitFileName(v), "garbage"));
  auto opened = DeltaTable::Open(store_.get(), "t");
  ASSERT_TRUE(opened) << opened.error().ToString();
  ExpectSnapshotsEqual(replayed, (*opened)->snapshot());
}

TEST_F(CheckpointTest, MissingLastCheckpointFallsBackToListing) {
  auto table = TableWithCommits(21);
  ASSERT_TRUE(store_->Delete("t/_delta_log/_last_checkpoint"));
  auto found = FindCheckpoint(store_.get(), "t/_delta_log/", 21);
  ASSERT_TRUE(found);
  ASSERT_TRUE(*found);
  EXPECT_EQ((*found)->version, 20);
  auto opened = DeltaTable::Open(store_.get(), "t");
  ASSERT_TRUE(opened) << opened.error().ToString();
  ExpectSnapshotsEqual(JsonReplay(*table), (*opened)->snapshot());
}

TEST_F(CheckpointTest, StaleLastCheckpointFallsBackToListing) {
  auto table = TableWithCommits(21);
  // Points at a checkpoint that is gone, or that is newer than the wanted version.
  ASSERT_TRUE(store_->Put("t/_delta_log/_last_checkpoint", R"({"version":30,"size":3})"));
  auto found = FindCheckpoint(store_.get(), "t/_delta_log/", 21);
  ASSERT_TRUE(found);
  ASSERT_TRUE(*found);
  EXPECT_EQ((*found)->version, 20);
  found = FindCheckpoint(store_.get(), "t/_delta_log/", 15);
  ASSERT_TRUE(found);
  ASSERT_TRUE(*found);
  EXPECT_EQ((*found)->version, 10);
  ASSERT_TRUE(store_->Put("t/_delta_log/_last_checkpoint", "{broken"));
  auto opened = DeltaTable::Open(store_.get(), "t");
  ASSERT_TRUE(opened) << opened.error().ToString();
  EXPECT_EQ((*opened)->version(), 21);
}

TEST_F(CheckpointTest, ExplicitCheckpointOfCurrentVersion) {
  auto table = TableWithCommits(3);
  auto last = table->Checkpoint();
  ASSERT_TRUE(last) << last.error().ToString();
  EXPECT_EQ(last->version, 3);
  EXPECT_GT(last->size_in_bytes, 0);
  auto found = FindCheckpoint(store_.get(), "t/_delta_log/", 100);
  ASSERT_TRUE(found);
  ASSERT_TRUE(*found);
  EXPECT_EQ((*found)->version, 3);
}

TEST_F(CheckpointTest, ReadsMultiPartCheckpointWithoutTheCommitsItCovers) {
  auto table = TableWithCommits(12, "m");
  const Snapshot expected = JsonReplay(*table);
  ASSERT_TRUE(store_->Delete("m/_delta_log/00000000000000000010.checkpoint.parquet"));
  ASSERT_TRUE(store_->Delete("m/_delta_log/_last_checkpoint"));
  // Split the state at version 12 into two parts, the adds divided between them.
  Snapshot first = expected, second = expected;
  bool odd = false;
  for (const auto& [path, add] : expected.files) {
    (odd ? first : second).files.erase(path);
    odd = !odd;
  }
  second.app_versions.clear();
  int64_t rows = 0;
  auto part1 = EncodeCheckpoint(first, 0, &rows);
  auto part2 = EncodeCheckpoint(second, 0, &rows);
  ASSERT_TRUE(part1 && part2);
  ASSERT_TRUE(store_->Put("m/_delta_log/00000000000000000012.checkpoint.0000000001.0000000002.parquet", *part1));
  ASSERT_TRUE(store_->Put("m/_delta_log/00000000000000000012.checkpoint.0000000002.0000000002.parquet", *part2));
  ASSERT_TRUE(store_->Put("m/_delta_log/_last_checkpoint", R"({"version":12,"size":20,"parts":2})"));
  for (int v = 0; v <= 12; ++v) ASSERT_TRUE(store_->Delete("m/" + CommitFileName(v)));
  CommitInfo info;
  info.operation = "WRITE";
  ASSERT_TRUE(table->Commit({MakeAdd("after.parquet", 3)}, info));  // version 13, replayed after the parts
  auto opened = DeltaTable::Open(store_.get(), "m");
  ASSERT_TRUE(opened) << opened.error().ToString();
  EXPECT_EQ((*opened)->version(), 13);
  EXPECT_EQ((*opened)->snapshot().files.size(), expected.files.size() + 1);
  EXPECT_EQ((*opened)->snapshot().app_versions, expected.app_versions);
  for (const auto& [path, add] : expected.files) EXPECT_TRUE((*opened)->snapshot().files.contains(path)) << path;
}

TEST_F(CheckpointTest, ReadsV2JsonCheckpointWithSidecarsButRefusesToWrite) {
  auto table = TableWithCommits(4, "v2");
  Snapshot state = JsonReplay(*table);
  // The file actions go to a sidecar; the top-level JSON holds the rest (PROTOCOL.md, "V2 Spec").
  int64_t rows = 0;
  auto sidecar = EncodeCheckpoint(state, 0, &rows);
  ASSERT_TRUE(sidecar);
  ASSERT_TRUE(store_->Put("v2/_delta_log/_sidecars/016ae953-37a9-438e-8683-9a9a4a79a395.parquet", *sidecar));
  std::string top;
  top += R"({"checkpointMetadata":{"version":4}})" "\n";
  top += R"({"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["v2Checkpoint"],"writerFeatures":["v2Checkpoint","appendOnly","invariants"]}})" "\n";
  auto commit0 = table->ReadCommit(0);
  ASSERT_TRUE(commit0);
  for (const Action& action : commit0->actions) {
    if (std::holds_alternative<Metadata>(action)) top += SerializeActions({action}) + "\n";
  }
  for (const auto& [app, version] : state.app_versions) {  // txn actions stay in the top-level file
    top += SerializeActions({Txn{app, version, 0}}) + "\n";
  }
  top += R"({"sidecar":{"path":"016ae953-37a9-438e-8683-9a9a4a79a395.parquet","sizeInBytes":)" +
         std::to_string(sidecar->size()) + R"(,"modificationTime":1}})" "\n";
  ASSERT_TRUE(store_->Put("v2/_delta_log/00000000000000000004.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.json", top));
  ASSERT_TRUE(store_->Delete("v2/_delta_log/_last_checkpoint"));
  for (int v = 0; v <= 4; ++v) ASSERT_TRUE(store_->Delete("v2/" + CommitFileName(v)));
  ASSERT_TRUE(store_->Put("v2/" + CommitFileName(5), R"({"commitInfo":{"timestamp":1,"operation":"WRITE"}})" "\n"));

  auto opened = DeltaTable::Open(store_.get(), "v2");
  ASSERT_TRUE(opened) << opened.error().ToString();
  EXPECT_EQ((*opened)->version(), 5);
  EXPECT_EQ((*opened)->snapshot().protocol.min_reader_version, 3);
  EXPECT_EQ((*opened)->snapshot().files.size(), state.files.size());
  EXPECT_EQ((*opened)->snapshot().app_versions, state.app_versions);
  // Reading only: a commit or a checkpoint of ours is refused, naming the writer version.
  CommitInfo info;
  info.operation = "WRITE";
  auto commit = (*opened)->Commit({MakeAdd("x.parquet", 1)}, info);
  ASSERT_FALSE(commit);
  EXPECT_EQ(commit.error().code(), ErrorCode::kUnsupported);
  EXPECT_NE(commit.error().message().find("needs writer version 7"), std::string::npos) << commit.error().message();
  EXPECT_FALSE((*opened)->Checkpoint());

  // A sidecar that is gone is an error naming it, never a silently smaller table.
  ASSERT_TRUE(store_->Delete("v2/_delta_log/_sidecars/016ae953-37a9-438e-8683-9a9a4a79a395.parquet"));
  auto broken = DeltaTable::Open(store_.get(), "v2");
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message().find("016ae953"), std::string::npos) << broken.error().message();
}

TEST_F(CheckpointTest, V2CheckpointNeedingUnknownReaderFeatureIsRefused) {
  auto table = TableWithCommits(1, "dv");
  std::string top = R"({"checkpointMetadata":{"version":1}})" "\n";
  top += R"({"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["v2Checkpoint","deletionVectors"],"writerFeatures":["v2Checkpoint","deletionVectors"]}})" "\n";
  auto commit0 = table->ReadCommit(0);
  ASSERT_TRUE(commit0);
  for (const Action& action : commit0->actions) {
    if (std::holds_alternative<Metadata>(action)) top += SerializeActions({action}) + "\n";
  }
  ASSERT_TRUE(store_->Put("dv/_delta_log/00000000000000000001.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.json", top));
  auto opened = DeltaTable::Open(store_.get(), "dv");
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code(), ErrorCode::kUnsupported);
  EXPECT_NE(opened.error().message().find("deletionVectors"), std::string::npos) << opened.error().message();
}

TEST(CheckpointEncoding, StatsThatAreNotUtf8JsonAreRefusedNamingTheFile) {
  Snapshot snapshot;
  snapshot.version = 3;
  snapshot.metadata.id = "id-1";
  snapshot.metadata.schema = TestSchema();
  AddFile bad = MakeAdd("bad.parquet", 1, {});
  bad.stats = "{\"numRecords\":1,\"maxValues\":{\"v\":\"\xff\xfe\"}}";
  snapshot.files[bad.path] = bad;
  int64_t actions = 0;
  auto bytes = EncodeCheckpoint(snapshot, 0, &actions);
  ASSERT_FALSE(bytes);
  EXPECT_EQ(bytes.error().code(), ErrorCode::kInternal);
  EXPECT_NE(bytes.error().message().find("bad.parquet"), std::string::npos) << bytes.error().message();
  snapshot.files[bad.path].stats = "{\"numRecords\":";  // UTF-8 but not JSON
  EXPECT_FALSE(EncodeCheckpoint(snapshot, 0, &actions));
}

}  // namespace
}  // namespace jsm::delta
