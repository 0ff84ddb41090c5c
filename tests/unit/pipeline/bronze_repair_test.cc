#include "pipeline/bronze_repair.h"

#include <gtest/gtest.h>

#include <filesystem>

#include <simdjson.h>

#include "pipeline/bronze_table.h"
#include "pipeline/table_schemas.h"
#include "storage/local_store.h"

namespace jsm::pipeline {
namespace {

std::unique_ptr<storage::ObjectStore> FreshStore(const std::string& name) {
  const std::string root = ::testing::TempDir() + "/bronze_repair_" + name;
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root);
  auto store = storage::LocalStore::Open(root);
  EXPECT_TRUE(store) << store.error().message();
  return std::move(*store);
}

const std::string kHostile("\xff\xfe\x00garbage\x80", 11);

TEST(RepairBronzeFiles, MovesInvalidUtf8FromTheOldStringColumnsToTheRawOnesKeepingEveryByte) {
  auto store = FreshStore("move");
  // Bronze as the previous release wrote it: up to headers, raw bytes in the STRING value and key.
  Schema previous = BronzeSchema();
  previous.fields.resize(kBronzeValueRaw);
  auto created = delta::DeltaTable::OpenOrCreate(store.get(), kBronzeTable, "pedidos_bronze", previous);
  ASSERT_TRUE(created) << created.error().message();
  RecordBatch rows(previous);
  const std::optional<std::string_view> values[] = {std::string_view(R"({"a":1})"), std::string_view(kHostile),
                                                    std::string_view(""), std::nullopt};
  const std::optional<std::string_view> keys[] = {std::string_view("1"), std::string_view("\xc3\x28"), std::nullopt,
                                                  std::string_view("4")};
  for (int64_t row = 0; row < 4; ++row) {
    if (values[row]) rows.column(kBronzeValue).AppendString(*values[row]);
    else rows.column(kBronzeValue).AppendNull();
    if (keys[row]) rows.column(kBronzeKey).AppendString(*keys[row]);
    else rows.column(kBronzeKey).AppendNull();
    rows.column(kBronzeTopic).AppendString("pedidos");
    rows.column(kBronzePartition).AppendInt(0);
    rows.column(kBronzeOffset).AppendInt(row);
    rows.column(kBronzeKafkaTimestamp).AppendNull();
    rows.column(kBronzeIngestedAt).AppendInt(1);
    rows.column(kBronzeHeaders).AppendNull();
  }
  auto add = (*created)->WriteDataFile(rows, {});
  ASSERT_TRUE(add) << add.error().message();
  ASSERT_TRUE((*created)->Commit({std::move(*add)}, {}));

  auto repair = RepairBronzeFiles(store.get());
  ASSERT_TRUE(repair) << repair.error().message();
  EXPECT_EQ(repair->files_scanned, 1);
  EXPECT_EQ(repair->files_rewritten, 1);
  EXPECT_EQ(repair->rows_moved, 1);  // one row, with a bad value and a bad key

  auto bronze = delta::DeltaTable::Open(store.get(), kBronzeTable);
  ASSERT_TRUE(bronze) << bronze.error().message();
  EXPECT_EQ((*bronze)->version(), repair->version);
  ASSERT_EQ((*bronze)->snapshot().files.size(), 1u);
  const auto& [path, file] = *(*bronze)->snapshot().files.begin();
  EXPECT_FALSE(file.data_change);
  auto read = (*bronze)->ReadDataFile(path);
  ASSERT_TRUE(read) << read.error().message();
  ASSERT_EQ(read->num_rows(), 4u);
  const BronzeMessageBytes bytes(*read);
  for (size_t row = 0; row < 4; ++row) {
    EXPECT_EQ(bytes.Value(row), values[row]) << row;
    EXPECT_EQ(bytes.Key(row), keys[row]) << row;
    for (size_t c : {size_t{kBronzeValue}, size_t{kBronzeKey}}) {
      const Column& column = read->column(c);
      if (column.IsValid(row)) {
        EXPECT_TRUE(simdjson::validate_utf8(column.StringAt(row).data(), column.StringAt(row).size())) << row;
      }
    }
  }
  EXPECT_TRUE(read->column(kBronzeValue).IsNull(1));
  EXPECT_EQ(read->column(kBronzeValueRaw).StringAt(1), kHostile);
  EXPECT_TRUE(read->column(kBronzeValue).IsNull(3));
  EXPECT_TRUE(read->column(kBronzeValueRaw).IsNull(3));  // the tombstone stays null in both

  auto again = RepairBronzeFiles(store.get());  // nothing left to move
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(again->files_rewritten, 0);
  EXPECT_EQ(again->version, -1);
}

}  // namespace
}  // namespace jsm::pipeline
