#include "delta/rewrite.h"

#include <gtest/gtest.h>

#include "unit/delta/table_fixture.h"

namespace jsm::delta {
namespace {

using testing::DeltaTableTest;

/// Marks rows whose id (column 0 of the probe) is in `ids`.
RowMatcher IdsIn(std::vector<int64_t> ids) {
  return [ids](const RecordBatch& batch, std::vector<uint8_t>* doomed) {
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      if (std::find(ids.begin(), ids.end(), batch.column(0).IntAt(row)) != ids.end()) (*doomed)[row] = 1;
    }
    return Status::Ok();
  };
}

std::vector<int64_t> AllIds(const DeltaTable& table) {
  std::vector<int64_t> ids;
  for (const auto& [path, add] : table.snapshot().files) {
    auto batch = table.ReadDataFile(path, {"id"});
    EXPECT_TRUE(batch);
    for (size_t row = 0; row < batch->num_rows(); ++row) ids.push_back(batch->column(0).IntAt(row));
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

class RewriteTest : public DeltaTableTest {};

TEST_F(RewriteTest, RewritesOnlyFilesWithMatchingRows) {
  auto table = Create();
  Append(table.get(), 0, 10);   // file A: 0..9
  Append(table.get(), 10, 10);  // file B: 10..19
  Append(table.get(), 20, 10);  // file C: 20..29
  const auto before = table->snapshot().files;
  auto metrics = DeleteRows(table.get(), IdsIn({3, 7, 25}), RewriteOptions{.match_columns = {"id"}});
  ASSERT_TRUE(metrics) << metrics.error().ToString();
  EXPECT_EQ(metrics->rows_deleted, 3);
  EXPECT_EQ(metrics->rows_copied, 17);
  EXPECT_EQ(metrics->removed.size(), 2u);
  EXPECT_EQ(metrics->files_added, 2);
  EXPECT_EQ(metrics->version, 4);
  // File B is untouched; A and C are replaced.
  int untouched = 0;
  for (const auto& [path, add] : before) untouched += table->snapshot().files.count(path);
  EXPECT_EQ(untouched, 1);
  std::vector<int64_t> expected;
  for (int64_t id = 0; id < 30; ++id) {
    if (id != 3 && id != 7 && id != 25) expected.push_back(id);
  }
  EXPECT_EQ(AllIds(*table), expected);
}

TEST_F(RewriteTest, CommitIsADataChangingDeleteWithRemovesAndAdds) {
  auto table = Create();
  Append(table.get(), 0, 10);
  auto metrics = DeleteRows(table.get(), IdsIn({4}), RewriteOptions{.match_columns = {"id"}, .predicate = "[\"x\"]"});
  ASSERT_TRUE(metrics);
  auto commit = table->ReadCommit(metrics->version);
  ASSERT_TRUE(commit);
  int removes = 0, adds = 0;
  for (const Action& action : commit->actions) {
    if (const auto* remove = std::get_if<RemoveFile>(&action)) {
      ++removes;
      EXPECT_TRUE(remove->data_change);
      EXPECT_GT(remove->deletion_timestamp, 0);
    }
    if (const auto* add = std::get_if<AddFile>(&action)) {
      ++adds;
      EXPECT_TRUE(add->data_change);
    }
    if (const auto* info = std::get_if<CommitInfo>(&action)) {
      EXPECT_EQ(info->operation, "DELETE");
      EXPECT_EQ(info->operation_metrics.at("numDeletedRows"), "1");
    }
  }
  EXPECT_EQ(removes, 1);
  EXPECT_EQ(adds, 1);
  EXPECT_TRUE(RemovesData(*commit));
  auto append = table->ReadCommit(1);
  ASSERT_TRUE(append);
  EXPECT_FALSE(RemovesData(*append));
}

TEST_F(RewriteTest, FileWithOnlyMatchingRowsIsRemovedWithoutReplacement) {
  auto table = Create();
  Append(table.get(), 0, 2);
  Append(table.get(), 2, 2);
  auto metrics = DeleteRows(table.get(), IdsIn({0, 1}), RewriteOptions{.match_columns = {"id"}});
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->removed.size(), 1u);
  EXPECT_EQ(metrics->files_added, 0);
  EXPECT_EQ(AllIds(*table), (std::vector<int64_t>{2, 3}));
}

TEST_F(RewriteTest, DryRunAndNoMatchWriteNothing) {
  auto table = Create();
  Append(table.get(), 0, 10);
  auto dry = DeleteRows(table.get(), IdsIn({1}), RewriteOptions{.match_columns = {"id"}, .dry_run = true});
  ASSERT_TRUE(dry);
  EXPECT_EQ(dry->rows_deleted, 1);
  EXPECT_EQ(dry->removed.size(), 1u);
  EXPECT_EQ(dry->version, -1);
  auto none = DeleteRows(table.get(), IdsIn({99}), RewriteOptions{.match_columns = {"id"}});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->rows_deleted, 0);
  EXPECT_EQ(none->version, -1);
  EXPECT_EQ(table->version(), 1);
  EXPECT_EQ(AllIds(*table).size(), 10u);
}

TEST_F(RewriteTest, PartitionedFilesKeepTheirPartition) {
  auto table = Create({"country"});
  Append(table.get(), 0, 10);  // UK: even ids, FR: odd ids
  auto metrics = DeleteRows(table.get(), IdsIn({2}), RewriteOptions{.match_columns = {"id"}});
  ASSERT_TRUE(metrics) << metrics.error().ToString();
  EXPECT_EQ(metrics->removed.size(), 1u);
  for (const auto& [path, add] : table->snapshot().files) {
    auto batch = table->ReadDataFile(path, {"id", "country"});
    ASSERT_TRUE(batch);
    for (size_t row = 0; row < batch->num_rows(); ++row) {
      EXPECT_EQ(batch->column(1).StringAt(row), batch->column(0).IntAt(row) % 2 == 0 ? "UK" : "FR");
    }
  }
  EXPECT_EQ(AllIds(*table).size(), 9u);
}

TEST_F(RewriteTest, OldVersionStillShowsDeletedRowsByTimeTravel) {
  auto table = Create();
  Append(table.get(), 0, 5);
  auto metrics = DeleteRows(table.get(), IdsIn({1}), RewriteOptions{.match_columns = {"id"}});
  ASSERT_TRUE(metrics);
  auto old = DeltaTable::OpenAtVersion(store_.get(), "sales", metrics->version - 1);
  ASSERT_TRUE(old);
  EXPECT_EQ(AllIds(**old), (std::vector<int64_t>{0, 1, 2, 3, 4}));
}

TEST_F(RewriteTest, ConcurrentAppendMakesTheDeleteConflict) {
  auto table = Create();
  Append(table.get(), 0, 5);
  auto other = DeltaTable::Open(store_.get(), "sales");
  ASSERT_TRUE(other);
  Append(other->get(), 5, 5);  // lands after `table` read its snapshot
  auto metrics = DeleteRows(table.get(), IdsIn({1}), RewriteOptions{.match_columns = {"id"}});
  ASSERT_FALSE(metrics);
  EXPECT_EQ(metrics.error().code(), ErrorCode::kConflict);
}

}  // namespace
}  // namespace jsm::delta
