#include "pipeline/bronze_table.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <limits>

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

TEST(BronzeTable, ATableWithHeadersGainsTheRawColumnsAndItsRowsKeepTheirBytes) {
  auto store = FreshStore("raw_upgrade");
  Schema previous = BronzeSchema();
  previous.fields.resize(kBronzeValueRaw);  // bronze of the previous release, up to headers
  auto created = delta::DeltaTable::OpenOrCreate(store.get(), kBronzeTable, "pedidos_bronze", previous);
  ASSERT_TRUE(created) << created.error().message();
  RecordBatch rows(previous);
  rows.column(kBronzeValue).AppendString(R"({"a":1})");
  rows.column(kBronzeKey).AppendNull();
  rows.column(kBronzeTopic).AppendString("pedidos");
  rows.column(kBronzePartition).AppendInt(0);
  rows.column(kBronzeOffset).AppendInt(3);
  rows.column(kBronzeKafkaTimestamp).AppendNull();
  rows.column(kBronzeIngestedAt).AppendInt(1);
  rows.column(kBronzeHeaders).AppendNull();
  auto add = (*created)->WriteDataFile(rows, {});
  ASSERT_TRUE(add) << add.error().message();
  const std::string path = add->path;
  ASSERT_TRUE((*created)->Commit({std::move(*add)}, {}));

  auto bronze = OpenBronzeTable(store.get());
  ASSERT_TRUE(bronze) << bronze.error().message();
  EXPECT_EQ((*bronze)->schema(), BronzeSchema());
  EXPECT_EQ((*bronze)->schema().fields[kBronzeValueRaw].type, DataType::kBinary);
  auto read = (*bronze)->ReadDataFile(path, {"value", "key", "value_raw", "key_raw"});
  ASSERT_TRUE(read) << read.error().message();
  EXPECT_TRUE(read->column(2).IsNull(0));
  EXPECT_TRUE(read->column(3).IsNull(0));
  const BronzeMessageBytes bytes(*read);
  EXPECT_EQ(bytes.Value(0), std::optional<std::string_view>(R"({"a":1})"));
  EXPECT_EQ(bytes.Key(0), std::nullopt);
}

TEST(AppendBronzeBytes, TextGoesToTheStringColumnOtherBytesToTheBinaryOneNullToNeither) {
  Column text(DataType::kString), raw(DataType::kBinary);
  const std::string hostile("\xff\xfe\x00garbage\x80", 11);
  const std::string nul("a\0b", 3);
  AppendBronzeBytes(std::string_view("caf\xc3\xa9 \xf0\x9f\x98\x80"), &text, &raw);  // valid UTF-8
  AppendBronzeBytes(std::string_view(hostile), &text, &raw);
  AppendBronzeBytes(std::string_view(""), &text, &raw);
  AppendBronzeBytes(std::nullopt, &text, &raw);
  AppendBronzeBytes(std::string_view(nul), &text, &raw);  // NUL is valid UTF-8
  ASSERT_EQ(text.size(), 5u);
  ASSERT_EQ(raw.size(), 5u);
  EXPECT_EQ(text.StringAt(0), "caf\xc3\xa9 \xf0\x9f\x98\x80");
  EXPECT_TRUE(raw.IsNull(0));
  EXPECT_TRUE(text.IsNull(1));
  EXPECT_EQ(raw.StringAt(1), hostile);
  EXPECT_TRUE(text.IsValid(2));
  EXPECT_EQ(text.StringAt(2), "");
  EXPECT_TRUE(raw.IsNull(2));
  EXPECT_TRUE(text.IsNull(3));
  EXPECT_TRUE(raw.IsNull(3));
  EXPECT_EQ(text.StringAt(4), nul);
}

TEST(AppendKafkaTimestamp, KeepsEveryInstantMicrosecondsCanHoldAndNullsTheRestInsteadOfWrapping) {
  Column timestamps(DataType::kTimestamp);
  const int64_t max_millis = std::numeric_limits<int64_t>::max() / 1000;
  AppendKafkaTimestamp(1575849600000, &timestamps);  // 2019-12-09
  AppendKafkaTimestamp(0, &timestamps);
  AppendKafkaTimestamp(-1, &timestamps);  // the broker gave none
  AppendKafkaTimestamp(max_millis, &timestamps);
  AppendKafkaTimestamp(max_millis + 1, &timestamps);  // would wrap to a negative instant
  AppendKafkaTimestamp(std::numeric_limits<int64_t>::max(), &timestamps);
  ASSERT_EQ(timestamps.size(), 6u);
  EXPECT_EQ(timestamps.IntAt(0), 1575849600000000);
  EXPECT_EQ(timestamps.IntAt(1), 0);
  EXPECT_TRUE(timestamps.IsNull(2));
  EXPECT_EQ(timestamps.IntAt(3), max_millis * 1000);
  EXPECT_TRUE(timestamps.IsNull(4));
  EXPECT_TRUE(timestamps.IsNull(5));
}

TEST(BronzeMessageBytes, GivesEachRowsExactBytesOrNoneWhateverColumnHoldsThem) {
  RecordBatch bronze(BronzeSchema());
  const std::string hostile("\xff\xfe\x00garbage\x80", 11);
  const std::optional<std::string_view> values[] = {std::string_view("{}"), std::string_view(hostile),
                                                    std::string_view(""), std::nullopt};
  const std::optional<std::string_view> keys[] = {std::nullopt, std::string_view("k"),
                                                  std::string_view("\x80\x81"), std::string_view("")};
  for (size_t row = 0; row < 4; ++row) {
    AppendBronzeBytes(values[row], &bronze.column(kBronzeValue), &bronze.column(kBronzeValueRaw));
    AppendBronzeBytes(keys[row], &bronze.column(kBronzeKey), &bronze.column(kBronzeKeyRaw));
  }
  const BronzeMessageBytes bytes(bronze);
  for (size_t row = 0; row < 4; ++row) {
    EXPECT_EQ(bytes.Value(row), values[row]) << row;
    EXPECT_EQ(bytes.Key(row), keys[row]) << row;
  }
  // A batch read without the raw columns (an older file, or a caller that asked for `value` only).
  RecordBatch only_value(Schema{{BronzeSchema().fields[kBronzeValue]}});
  only_value.column(0).AppendString("x");
  only_value.column(0).AppendNull();
  const BronzeMessageBytes partial(only_value);
  EXPECT_EQ(partial.Value(0), std::optional<std::string_view>("x"));
  EXPECT_EQ(partial.Value(1), std::nullopt);
  EXPECT_EQ(partial.Key(0), std::nullopt);
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
