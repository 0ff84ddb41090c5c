#include "delta/snapshot.h"

#include <gtest/gtest.h>

namespace jsm::delta {
namespace {

AddFile Add(std::string path, int64_t records) {
  AddFile add;
  add.path = std::move(path);
  add.num_records = records;
  return add;
}

RemoveFile Remove(std::string path) {
  RemoveFile remove;
  remove.path = std::move(path);
  return remove;
}

Metadata SomeMetadata() {
  Metadata metadata;
  metadata.id = "id";
  metadata.schema = Schema{{Field{"a", DataType::kInt64, true}}};
  return metadata;
}

TEST(Snapshot, AddsAndRemovesReconcileActiveFiles) {
  Snapshot snapshot;
  CommitInfo info;
  info.timestamp = 77;
  ASSERT_TRUE(ApplyCommit(0, {Protocol{}, SomeMetadata(), Add("a", 1), Add("b", 2)}, "t", &snapshot));
  ASSERT_TRUE(ApplyCommit(1, {info, Remove("a"), Add("c", 3), Add("b", 20)}, "t", &snapshot));
  EXPECT_EQ(snapshot.version, 1);
  EXPECT_EQ(snapshot.timestamp_ms, 77);
  ASSERT_EQ(snapshot.files.size(), 2u);
  EXPECT_EQ(snapshot.files.at("b").num_records, 20);  // a re-add replaces the earlier entry
  EXPECT_TRUE(snapshot.files.contains("c"));
}

TEST(Snapshot, TxnKeepsLatestVersionPerApp) {
  Snapshot snapshot;
  ASSERT_TRUE(ApplyCommit(0, {Protocol{}, SomeMetadata(), Txn{"app", 1, 0}, Txn{"other", 9, 0}}, "t", &snapshot));
  ASSERT_TRUE(ApplyCommit(1, {Txn{"app", 2, 0}}, "t", &snapshot));
  EXPECT_EQ(snapshot.app_versions.at("app"), 2);
  EXPECT_EQ(snapshot.app_versions.at("other"), 9);
}

TEST(Snapshot, NewerReaderProtocolIsUnsupportedAndLeavesSnapshotUntouched) {
  Snapshot snapshot;
  ASSERT_TRUE(ApplyCommit(0, {Protocol{}, SomeMetadata()}, "t", &snapshot));
  auto status = ApplyCommit(1, {Add("x", 1), Protocol{3, 7, {"deletionVectors"}, {"deletionVectors"}}}, "lake/t", &snapshot);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), ErrorCode::kUnsupported);
  EXPECT_EQ(status.error().message(),
            "table lake/t needs reader version 3 with reader features we do not implement: deletionVectors "
            "(we read reader version 1, and 3 with only v2Checkpoint)");
  EXPECT_EQ(snapshot.version, 0);
  EXPECT_TRUE(snapshot.files.empty());
}

TEST(Snapshot, NewerWriterProtocolIsUnsupported) {
  auto status = CheckProtocolSupported(Protocol{1, 4}, "t");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message(), "table t needs writer version 4; we support 2");
  EXPECT_TRUE(CheckProtocolSupported(Protocol{1, 1}, "t"));
}

TEST(Snapshot, V2CheckpointTablesAreReadableButNotWritable) {
  const Protocol v2{3, 7, {"v2Checkpoint"}, {"v2Checkpoint", "appendOnly", "invariants"}};
  EXPECT_TRUE(CheckReadSupported(v2, "t"));
  auto write = CheckProtocolSupported(v2, "t");
  ASSERT_FALSE(write);
  EXPECT_EQ(write.error().code(), ErrorCode::kUnsupported);
  Snapshot snapshot;
  EXPECT_TRUE(ApplyCommit(0, {v2, SomeMetadata()}, "t", &snapshot));
  // Reader version 2 (column mapping) and unknown reader features stay refused.
  EXPECT_FALSE(CheckReadSupported(Protocol{2, 5}, "t"));
  auto mixed = CheckReadSupported(Protocol{3, 7, {"v2Checkpoint", "deletionVectors"}, {}}, "t");
  ASSERT_FALSE(mixed);
  EXPECT_NE(mixed.error().message().find("we do not implement: deletionVectors ("), std::string::npos);
}

TEST(Snapshot, ParseCommitReportsProtocolBeforeUnparseableSchema) {
  constexpr std::string_view text =
      R"({"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["timestampNtz"],"writerFeatures":["timestampNtz"]}})"
      "\n"
      R"({"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[{\"name\":\"t\",\"type\":\"timestamp_ntz\",\"nullable\":true,\"metadata\":{}}]}","partitionColumns":[],"configuration":{}}})";
  auto parsed = ParseCommit(text, "f.json", "t");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().message(),
            "table t needs reader version 3 with reader features we do not implement: timestampNtz "
            "(we read reader version 1, and 3 with only v2Checkpoint)");
}

/// A commit as our writer makes it: an add, a txn and a commitInfo, one per line.
std::string SampleCommitText() {
  AddFile add = Add("part-0001.parquet", 12);
  add.stats = R"({"numRecords":12})";
  return SerializeActions({add, Txn{"ingest-0", 41, 0}, CommitInfo{.timestamp = 1700000000000, .operation = "WRITE"}});
}

TEST(Snapshot, EmptyOrWhitespaceOnlyCommitFileIsCorruptionNamingIt) {
  for (std::string_view text : {"", "\n", " \r\n\t\n  "}) {
    auto parsed = ParseCommit(text, "lake/t/_delta_log/00000000000000000006.json", "t");
    ASSERT_FALSE(parsed) << "'" << text << "'";
    EXPECT_EQ(parsed.error().code(), ErrorCode::kCorruption);
    EXPECT_NE(parsed.error().message().find("lake/t/_delta_log/00000000000000000006.json: commit file "),
              std::string::npos)
        << parsed.error().message();
  }
  auto empty = ParseCommit("", "f.json", "t");
  EXPECT_NE(empty.error().message().find("is empty (0 bytes)"), std::string::npos) << empty.error().message();
  auto blank = ParseCommit("\n\n", "f.json", "t");
  EXPECT_NE(blank.error().message().find("holds only whitespace (2 bytes)"), std::string::npos)
      << blank.error().message();
}

TEST(Snapshot, CommitFileCutInsideALineIsCorruptionNamingFileAndLine) {
  const std::string text = SampleCommitText();
  size_t cuts = 0;
  for (size_t length = 1; length < text.size(); ++length) {
    if (text[length - 1] == '\n' || text[length] == '\n') continue;  // cut at a line end: complete lines
    auto parsed = ParseCommit(std::string_view(text).substr(0, length), "t/_delta_log/00000000000000000003.json", "t");
    ASSERT_FALSE(parsed) << "cut at byte " << length;
    ASSERT_EQ(parsed.error().code(), ErrorCode::kCorruption) << parsed.error().ToString();
    ASSERT_NE(parsed.error().message().find("t/_delta_log/00000000000000000003.json line "), std::string::npos)
        << parsed.error().message();
    ++cuts;
  }
  EXPECT_GT(cuts, text.size() / 2);
}

TEST(Snapshot, CompleteCommitWithoutTheFinalNewlineParses) {
  std::string text = SampleCommitText();
  ASSERT_EQ(text.back(), '\n');
  text.pop_back();
  auto parsed = ParseCommit(text, "f.json", "t");
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->size(), 3u);
}

}  // namespace
}  // namespace jsm::delta
