#include "pipeline/bronze_table.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "pipeline/table_schemas.h"
#include "storage/local_store.h"

namespace jsm::pipeline {
namespace {

std::unique_ptr<storage::ObjectStore> FreshStore(const std::string& name) {
  const std::string root = ::testing::TempDir() + "/bronze_table_" + name;
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root);
  auto store = storage::LocalStore::Open(root);
  EXPECT_TRUE(store) << store.error().message();
  return std::move(*store);
}

TEST(BronzeTable, CreatesANewTableWithTheHeadersColumn) {
  auto store = FreshStore("new");
  auto bronze = OpenBronzeTable(store.get());
  ASSERT_TRUE(bronze) << bronze.error().message();
  EXPECT_EQ((*bronze)->schema(), BronzeSchema());
  EXPECT_EQ((*bronze)->schema().FieldIndex("headers"), kBronzeHeaders);
}

TEST(BronzeTable, AnOlderTableGainsHeadersByEvolutionAndItsFilesReadThemAsNull) {
  auto store = FreshStore("old");
  Schema old = BronzeSchema();
  old.fields.resize(kBronzeHeaders);  // bronze as first released, up to ingested_at
  auto created = delta::DeltaTable::OpenOrCreate(store.get(), kBronzeTable, "pedidos_bronze", old);
  ASSERT_TRUE(created) << created.error().message();
  RecordBatch rows(old);
  rows.column(kBronzeValue).AppendString("{}");
  rows.column(kBronzeKey).AppendString("1");
  rows.column(kBronzeTopic).AppendString("pedidos");
  rows.column(kBronzePartition).AppendInt(0);
  rows.column(kBronzeOffset).AppendInt(7);
  rows.column(kBronzeKafkaTimestamp).AppendNull();
  rows.column(kBronzeIngestedAt).AppendInt(1);
  auto add = (*created)->WriteDataFile(rows, {});
  ASSERT_TRUE(add) << add.error().message();
  const std::string path = add->path;
  ASSERT_TRUE((*created)->Commit({std::move(*add)}, {}));
  const int64_t before = (*created)->version();

  auto bronze = OpenBronzeTable(store.get());
  ASSERT_TRUE(bronze) << bronze.error().message();
  EXPECT_EQ((*bronze)->schema(), BronzeSchema());
  EXPECT_EQ((*bronze)->version(), before + 1);  // one ADD COLUMNS commit
  auto read = (*bronze)->ReadDataFile(path, {"offset", "headers"});
  ASSERT_TRUE(read) << read.error().message();
  ASSERT_EQ(read->num_rows(), 1u);
  EXPECT_EQ(read->column(0).IntAt(0), 7);
  EXPECT_TRUE(read->column(1).IsNull(0));
  auto again = OpenBronzeTable(store.get());  // nothing more to add
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)->version(), before + 1);
}

TEST(BronzeTable, AnotherSchemaDifferenceIsAnError) {
  auto store = FreshStore("other");
  Schema other = BronzeSchema();
  other.fields[kBronzeOffset].type = DataType::kInt32;
  ASSERT_TRUE(delta::DeltaTable::OpenOrCreate(store.get(), kBronzeTable, "pedidos_bronze", other));
  auto bronze = OpenBronzeTable(store.get());
  ASSERT_FALSE(bronze);
  EXPECT_EQ(bronze.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace jsm::pipeline
