#include "pipeline/silver_table.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "pipeline/table_schemas.h"
#include "storage/local_store.h"

namespace jsm::pipeline {
namespace {

std::unique_ptr<storage::ObjectStore> FreshStore(const std::string& name) {
  const std::string root = ::testing::TempDir() + "/silver_table_" + name;
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root);
  auto store = storage::LocalStore::Open(root);
  EXPECT_TRUE(store) << store.error().message();
  return std::move(*store);
}

TEST(SilverTable, CreatesANewTableWithTheWholeSchema) {
  auto store = FreshStore("new");
  auto silver = OpenSilverTable(store.get());
  ASSERT_TRUE(silver) << silver.error().message();
  EXPECT_EQ((*silver)->schema(), SilverSchema());
}

TEST(SilverTable, AnOlderTableGainsTheNormalizationColumnsByEvolution) {
  auto store = FreshStore("old");
  Schema old = SilverSchema();
  old.fields.resize(kSilverCurrency);  // silver as first released, up to _record_id
  auto created = delta::DeltaTable::OpenOrCreate(store.get(), kSilverTable, "pedidos_silver", old);
  ASSERT_TRUE(created) << created.error().message();
  const int64_t before = (*created)->version();
  auto silver = OpenSilverTable(store.get());
  ASSERT_TRUE(silver) << silver.error().message();
  EXPECT_EQ((*silver)->schema(), SilverSchema());
  EXPECT_EQ((*silver)->version(), before + 1);  // one ADD COLUMNS commit
  auto again = OpenSilverTable(store.get());    // nothing more to add
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)->version(), before + 1);
}

TEST(SilverTable, AnotherSchemaDifferenceIsAnError) {
  auto store = FreshStore("other");
  Schema other = SilverSchema();
  other.fields[kSilverQuantity].type = DataType::kInt64;
  ASSERT_TRUE(delta::DeltaTable::OpenOrCreate(store.get(), kSilverTable, "pedidos_silver", other));
  auto silver = OpenSilverTable(store.get());
  ASSERT_FALSE(silver);
  EXPECT_EQ(silver.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace jsm::pipeline
