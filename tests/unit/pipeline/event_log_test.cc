#include "pipeline/event_log.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "storage/local_store.h"
#include "unit/storage/temp_dir.h"

namespace jsm::pipeline {
namespace {

class EventLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::LocalStore::Open(dir_.path());
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
  }

  /// The commit_conflicts column of every row of the event log, -1 for null, sorted.
  std::vector<int64_t> ConflictColumn() {
    std::vector<int64_t> out;
    auto table = delta::DeltaTable::Open(store_.get(), kEventLogTable);
    EXPECT_TRUE(table) << table.error().ToString();
    if (!table) return out;
    for (const auto& [path, add] : (*table)->snapshot().files) {
      auto rows = (*table)->ReadDataFile(path, {"stage", kCommitConflictsColumn});
      EXPECT_TRUE(rows) << rows.error().ToString();
      if (!rows) continue;
      for (size_t r = 0; r < rows->num_rows(); ++r) {
        out.push_back(rows->column(1).IsNull(r) ? -1 : rows->column(1).IntAt(r));
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  jsm::testing::TempDir dir_;
  std::unique_ptr<storage::LocalStore> store_;
};

TEST_F(EventLogTest, BatchRowCarriesCommitConflictsAndExpectationRowsLeaveThemNull) {
  auto log = EventLog::Open(store_.get(), PipelineOptions{});
  ASSERT_TRUE(log) << log.error().ToString();
  BatchEvent event;
  event.stage = "ingest";
  event.target_table = "bronze/pedidos";
  event.target_version = 3;
  event.commit_conflicts = 2;
  event.expectations.push_back({"valid_price", "drop", 10, 1});
  ASSERT_TRUE((*log)->Append(event));
  EXPECT_EQ(ConflictColumn(), (std::vector<int64_t>{-1, 2}));
}

TEST_F(EventLogTest, AnAppendLandsHoweverFarOtherWritersMovedTheLogMeanwhile) {
  auto behind = EventLog::Open(store_.get(), PipelineOptions{});
  auto busy = EventLog::Open(store_.get(), PipelineOptions{});
  ASSERT_TRUE(behind && busy);
  BatchEvent event;
  event.stage = "refine";
  event.target_table = "silver/pedidos";
  // More versions than one commit retries past (CommitOptions::max_retries = 20).
  for (int i = 0; i < 45; ++i) {
    event.target_version = i;
    ASSERT_TRUE((*busy)->Append(event));
  }
  event.stage = "ingest";
  auto appended = (*behind)->Append(event);
  ASSERT_TRUE(appended) << appended.error().ToString();
  EXPECT_EQ(ConflictColumn().size(), 46u);
}

TEST_F(EventLogTest, AnEventLogWithoutTheColumnGainsItAndOldRowsReadNull) {
  // An event log as jsm wrote it before commit_conflicts existed.
  Schema old_schema = EventLogSchema();
  ASSERT_EQ(old_schema.fields.back().name, kCommitConflictsColumn);
  old_schema.fields.pop_back();
  {
    auto old = delta::DeltaTable::OpenOrCreate(store_.get(), kEventLogTable, "event_log", old_schema);
    ASSERT_TRUE(old) << old.error().ToString();
    RecordBatch rows(old_schema);
    for (size_t c = 0; c < old_schema.fields.size(); ++c) {
      const Field& field = old_schema.fields[c];
      if (field.type == DataType::kString)
        rows.column(c).AppendString(field.name == "stage" ? "refine" : "x");
      else if (!field.nullable)
        rows.column(c).AppendInt(1);
      else
        rows.column(c).AppendNull();
    }
    auto add = (*old)->WriteDataFile(rows, parquet::WriterOptions{});
    ASSERT_TRUE(add) << add.error().ToString();
    ASSERT_TRUE((*old)->Commit({std::move(*add)}, delta::CommitInfo{.operation = "WRITE"}));
  }
  auto log = EventLog::Open(store_.get(), PipelineOptions{});
  ASSERT_TRUE(log) << log.error().ToString();
  BatchEvent event;
  event.stage = "refine";
  event.target_table = "silver/pedidos";
  event.commit_conflicts = 4;
  ASSERT_TRUE((*log)->Append(event));
  auto table = delta::DeltaTable::Open(store_.get(), kEventLogTable);
  ASSERT_TRUE(table);
  EXPECT_EQ((*table)->schema(), EventLogSchema());
  EXPECT_EQ(ConflictColumn(), (std::vector<int64_t>{-1, 4}));
  // Opening again (the other stages) finds nothing left to evolve.
  const int64_t version = (*table)->version();
  ASSERT_TRUE(EventLog::Open(store_.get(), PipelineOptions{}));
  ASSERT_TRUE((*table)->Refresh());
  EXPECT_EQ((*table)->version(), version);
}

TEST_F(EventLogTest, ATableThatIsNotAnEventLogIsRefused) {
  ASSERT_TRUE(delta::DeltaTable::OpenOrCreate(store_.get(), kEventLogTable, "event_log",
                                              Schema{{Field{"something", DataType::kInt64, true}}}));
  auto log = EventLog::Open(store_.get(), PipelineOptions{});
  ASSERT_FALSE(log);
  EXPECT_EQ(log.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace jsm::pipeline
