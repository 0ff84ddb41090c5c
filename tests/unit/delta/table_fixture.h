#pragma once
/// A test table on a temporary local store, and batches to append to it.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "delta/table.h"
#include "storage/local_store.h"
#include "unit/storage/temp_dir.h"

namespace jsm::delta::testing {

/// Schema of the test tables: id (long), country (string), amount (decimal(10,2)).
inline Schema SalesSchema() {
  return Schema{{Field{"id", DataType::kInt64, false}, Field{"country", DataType::kString, true},
                 Field{"amount", DataType::kDecimal, true, 10, 2}}};
}

/// Rows id = first..first+count-1, country cycling UK/FR, amount id * 1.50.
inline RecordBatch SalesBatch(int64_t first, int64_t count, const Schema& schema = SalesSchema()) {
  RecordBatch batch(schema);
  for (int64_t id = first; id < first + count; ++id) {
    batch.column(0).AppendInt(id);
    batch.column(1).AppendString(id % 2 == 0 ? "UK" : "FR");
    batch.column(2).AppendInt(id * 150);
    for (size_t c = 3; c < schema.fields.size(); ++c) batch.column(c).AppendNull();
  }
  return batch;
}

/// A fixture with a store in a temp dir and a "sales" table.
class DeltaTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::LocalStore::Open(dir_.path());
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
  }

  std::unique_ptr<DeltaTable> Create(std::vector<std::string> partitions = {}) {
    auto table = DeltaTable::OpenOrCreate(store_.get(), "sales", "sales", SalesSchema(), std::move(partitions));
    EXPECT_TRUE(table) << table.error().ToString();
    return table ? std::move(*table) : nullptr;
  }

  /// Appends rows [first, first+count) in one commit; returns the version.
  int64_t Append(DeltaTable* table, int64_t first, int64_t count) {
    auto adds = table->WriteDataFiles(SalesBatch(first, count, table->schema()), parquet::WriterOptions{});
    EXPECT_TRUE(adds) << adds.error().ToString();
    std::vector<Action> actions(adds->begin(), adds->end());
    auto version = table->Commit(std::move(actions), CommitInfo{.operation = "WRITE"});
    EXPECT_TRUE(version) << version.error().ToString();
    return version ? *version : -1;
  }

  jsm::testing::TempDir dir_;
  std::unique_ptr<storage::LocalStore> store_;
};

}  // namespace jsm::delta::testing
