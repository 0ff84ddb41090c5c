#include <gtest/gtest.h>

#include <mutex>
#include <regex>

#include "common/clock.h"
#include "delta/table.h"
#include "storage/local_store.h"
#include "unit/storage/temp_dir.h"

namespace jsm::delta {
namespace {

Schema AllTypes() {
  return Schema{{Field{"s", DataType::kString, true}, Field{"b", DataType::kBoolean, true},
                 Field{"i", DataType::kInt32, true}, Field{"l", DataType::kInt64, false},
                 Field{"d", DataType::kDouble, true}, Field{"day", DataType::kDate, true},
                 Field{"ts", DataType::kTimestamp, true}, Field{"money", DataType::kDecimal, true, 18, 2}}};
}

RecordBatch SampleBatch() {
  RecordBatch batch(AllTypes());
  for (int row = 0; row < 3; ++row) {
    batch.column(0).AppendString("row " + std::to_string(row));
    batch.column(1).AppendInt(row % 2);
    batch.column(2).AppendInt(row * 10);
    batch.column(3).AppendInt(1000 + row);
    batch.column(4).AppendDouble(row * 0.5);
    batch.column(5).AppendInt(DaysFromCivil(2011, 12, 1 + row));
    batch.column(6).AppendInt(1323000000000000LL + row * 1000);
    batch.column(7).AppendInt(1234 + row);
  }
  for (size_t c = 0; c < batch.num_columns(); ++c) {
    if (c == 3) {
      batch.column(c).AppendInt(7);
    } else {
      batch.column(c).AppendNull();
    }
  }
  return batch;
}

void ExpectSameColumn(const Column& expected, const Column& actual, const std::string& name) {
  ASSERT_EQ(expected.size(), actual.size()) << name;
  for (size_t row = 0; row < expected.size(); ++row) {
    ASSERT_EQ(expected.IsNull(row), actual.IsNull(row)) << name << " row " << row;
    if (expected.IsNull(row)) continue;
    switch (expected.type()) {
      case DataType::kString: EXPECT_EQ(expected.StringAt(row), actual.StringAt(row)) << name; break;
      case DataType::kDouble: EXPECT_EQ(expected.DoubleAt(row), actual.DoubleAt(row)) << name; break;
      default: EXPECT_EQ(expected.IntAt(row), actual.IntAt(row)) << name; break;
    }
  }
}

class DataFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::LocalStore::Open(dir_.path());
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    auto table = DeltaTable::OpenOrCreate(store_.get(), "bronze/all", "all", AllTypes());
    ASSERT_TRUE(table) << table.error().ToString();
    table_ = std::move(*table);
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::LocalStore> store_;
  std::unique_ptr<DeltaTable> table_;
};

TEST_F(DataFileTest, WrittenFileHasSparkStyleNameSizeAndStats) {
  const RecordBatch batch = SampleBatch();
  auto add = table_->WriteDataFile(batch, parquet::WriterOptions{});
  ASSERT_TRUE(add) << add.error().ToString();
  EXPECT_TRUE(std::regex_match(add->path, std::regex("part-00000-[0-9a-f-]{36}-c000\\.zstd\\.parquet"))) << add->path;
  auto bytes = store_->Get("bronze/all/" + add->path);
  ASSERT_TRUE(bytes) << bytes.error().ToString();
  EXPECT_EQ(add->size, static_cast<int64_t>(bytes->size()));
  EXPECT_EQ(add->stats, ComputeStatsJson(batch));
  EXPECT_EQ(add->num_records, 4);
  EXPECT_TRUE(add->data_change);
  EXPECT_GT(add->modification_time, 0);
  EXPECT_TRUE(table_->snapshot().files.empty()) << "not committed yet";
}

TEST_F(DataFileTest, SnappyFilesAreNamedSnappy) {
  parquet::WriterOptions options;
  options.compression = parquet::Compression::kSnappy;
  auto add = table_->WriteDataFile(SampleBatch(), options);
  ASSERT_TRUE(add) << add.error().ToString();
  EXPECT_TRUE(add->path.ends_with("-c000.snappy.parquet")) << add->path;
}

TEST_F(DataFileTest, CommittedFileReadsBackTheSameRows) {
  const RecordBatch batch = SampleBatch();
  auto add = table_->WriteDataFile(batch, parquet::WriterOptions{});
  ASSERT_TRUE(add) << add.error().ToString();
  ASSERT_TRUE(table_->Commit({*add}, CommitInfo{.operation = "WRITE"}));

  auto reopened = DeltaTable::Open(store_.get(), "bronze/all");
  ASSERT_TRUE(reopened);
  ASSERT_EQ((*reopened)->snapshot().files.size(), 1u);
  const AddFile& active = (*reopened)->snapshot().files.begin()->second;
  EXPECT_EQ(active.num_records, 4);
  auto read = (*reopened)->ReadDataFile(active.path);
  ASSERT_TRUE(read) << read.error().ToString();
  ASSERT_EQ(read->schema(), batch.schema());
  for (size_t c = 0; c < batch.num_columns(); ++c) {
    ExpectSameColumn(batch.column(c), read->column(c), batch.schema().fields[c].name);
  }

  auto projected = (*reopened)->ReadDataFile(active.path, {"money", "s"});
  ASSERT_TRUE(projected) << projected.error().ToString();
  ASSERT_EQ(projected->num_columns(), 2u);
  ExpectSameColumn(batch.column(7), projected->column(0), "money");
  ExpectSameColumn(batch.column(0), projected->column(1), "s");
}

TEST_F(DataFileTest, BatchWithAnotherSchemaIsInvalidArgument) {
  RecordBatch other(Schema{{Field{"s", DataType::kString, true}}});
  other.column(0).AppendString("x");
  auto add = table_->WriteDataFile(other, parquet::WriterOptions{});
  ASSERT_FALSE(add);
  EXPECT_EQ(add.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(add.error().message().find("the batch lacks column 'b' (boolean)"), std::string::npos) << add.error().message();
}

TEST_F(DataFileTest, AColumnNameDamagedInTheFooterIsCorruptionNotAColumnOfNulls) {
  auto add = table_->WriteDataFile(SampleBatch(), parquet::WriterOptions{});
  ASSERT_TRUE(add) << add.error().ToString();
  ASSERT_TRUE(table_->Commit({*add}, CommitInfo{.operation = "WRITE"}));
  const std::string key = "bronze/all/" + add->path;
  auto bytes = store_->Get(key);
  ASSERT_TRUE(bytes);
  const size_t name = bytes->find("money");  // first in the footer's schema, before the chunks' paths
  ASSERT_NE(name, std::string::npos);
  std::string damaged = *bytes;
  damaged[name] = 'M';  // one flipped bit: 'm' ^ 0x20
  ASSERT_TRUE(store_->Put(key, damaged));
  for (const std::vector<std::string>& columns : {std::vector<std::string>{}, std::vector<std::string>{"money"}}) {
    auto read = table_->ReadDataFile(add->path, columns);
    ASSERT_FALSE(read) << "read 'money' as nulls";
    EXPECT_EQ(read.error().code(), ErrorCode::kCorruption);
    EXPECT_NE(read.error().message().find("lacks column 'money' of table "), std::string::npos)
        << read.error().message();
    EXPECT_NE(read.error().message().find("but holds a column 'Money' the table does not have"), std::string::npos)
        << read.error().message();
  }
  auto others = table_->ReadDataFile(add->path, {"s", "l"});  // the undamaged columns still read
  ASSERT_TRUE(others) << others.error().ToString();
  EXPECT_EQ(others->num_rows(), 4u);
}

TEST_F(DataFileTest, ReadOfMissingFileIsNotFound) {
  auto read = table_->ReadDataFile("part-missing.parquet");
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code(), ErrorCode::kNotFound);
}

/// A local store that says it prefers ranged reads (as Azure does) and counts how data files are read.
class RangedLocalStore : public storage::ObjectStore {
 public:
  explicit RangedLocalStore(storage::ObjectStore* inner) : inner_(inner) {}
  Result<std::string> Get(std::string_view path) override {
    if (path.ends_with(".parquet")) ++whole_parquet_gets;
    return inner_->Get(path);
  }
  Result<std::string> GetRange(std::string_view path, uint64_t offset, uint64_t length) override {
    std::lock_guard lock(mutex_);
    ++range_gets;
    JSM_ASSIGN_OR_RETURN(std::string data, inner_->Get(path));
    ranged_bytes += std::min<uint64_t>(length, offset < data.size() ? data.size() - offset : 0);
    return offset >= data.size() ? std::string() : data.substr(offset, length);
  }
  Status Put(std::string_view path, std::string_view data) override { return inner_->Put(path, data); }
  Status PutIfAbsent(std::string_view path, std::string_view data) override { return inner_->PutIfAbsent(path, data); }
  Result<std::vector<storage::ObjectInfo>> List(std::string_view prefix) override { return inner_->List(prefix); }
  Status Delete(std::string_view path) override { return inner_->Delete(path); }
  std::string Describe() const override { return inner_->Describe(); }
  bool PrefersRangedReads() const override { return true; }

  int whole_parquet_gets = 0;
  int range_gets = 0;
  uint64_t ranged_bytes = 0;

 private:
  storage::ObjectStore* inner_;
  std::mutex mutex_;
};

TEST_F(DataFileTest, AStoreThatPrefersRangedReadsFetchesOnlyTheColumnsASubsetReadNeeds) {
  // Distinct values, so the file is well beyond the 64 KiB tail read.
  RecordBatch batch(AllTypes());
  for (int64_t row = 0; row < 40000; ++row) {
    batch.column(0).AppendString("customer " + std::to_string(row * 7919 % 100003));
    batch.column(1).AppendInt(row % 2);
    batch.column(2).AppendInt(static_cast<int32_t>(row * 31 % 65536));
    batch.column(3).AppendInt(row * 1000003);
    batch.column(4).AppendDouble(static_cast<double>(row) * 0.37);
    batch.column(5).AppendInt(DaysFromCivil(2011, 12, 1) + row % 400);
    batch.column(6).AppendInt(1323000000000000LL + row * 1000003);
    batch.column(7).AppendInt(row * 13 % 1000000);
  }
  auto add = table_->WriteDataFile(batch, parquet::WriterOptions{});
  ASSERT_TRUE(add) << add.error().ToString();
  ASSERT_TRUE(table_->Commit({*add}, CommitInfo{.operation = "WRITE"}));
  RangedLocalStore ranged(store_.get());
  auto table = DeltaTable::Open(&ranged, "bronze/all");
  ASSERT_TRUE(table) << table.error().ToString();
  auto local = DeltaTable::Open(store_.get(), "bronze/all");
  ASSERT_TRUE(local);
  for (const std::vector<std::string>& columns :
       {std::vector<std::string>{}, std::vector<std::string>{"money", "s"}}) {
    auto read = (*table)->ReadDataFile(add->path, columns);
    ASSERT_TRUE(read) << read.error().ToString();
    auto expected = (*local)->ReadDataFile(add->path, columns);
    ASSERT_TRUE(expected);
    ASSERT_EQ(read->schema(), expected->schema());
    for (size_t c = 0; c < read->num_columns(); ++c) {
      ExpectSameColumn(expected->column(c), read->column(c), read->schema().fields[c].name);
    }
  }
  // Every column: one whole read (a ranged one would only add the footer's round trip);
  // two of them: the footer and their chunks only.
  EXPECT_EQ(ranged.whole_parquet_gets, 1);
  EXPECT_GE(ranged.range_gets, 2);
  EXPECT_LT(ranged.ranged_bytes, static_cast<uint64_t>(add->size));
}

}  // namespace
}  // namespace jsm::delta
