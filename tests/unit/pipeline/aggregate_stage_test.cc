#include "pipeline/aggregate_stage.h"

#include <gtest/gtest.h>

#include "delta/scan.h"
#include "pipeline/table_schemas.h"
#include "storage/local_store.h"
#include "unit/storage/temp_dir.h"

namespace jsm::pipeline {
namespace {

class AggregateStageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::LocalStore::Open(dir_.path() + "/lake");
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
  }

  /// Commits one silver file of `n` sale lines (customer c0..c{n-1}, one per day from day 15000).
  void AppendSilver(int n) {
    auto silver = delta::DeltaTable::OpenOrCreate(store_.get(), kSilverTable, "pedidos_silver", SilverSchema());
    ASSERT_TRUE(silver) << silver.error().ToString();
    RecordBatch batch(SilverSchema());
    for (int i = 0; i < n; ++i) {
      batch.column(kSilverTransactionNo).AppendString(std::to_string(500000 + i));
      batch.column(kSilverIsCancellation).AppendInt(0);
      batch.column(kSilverOrderDate).AppendInt(15000 + i);
      batch.column(kSilverProductNo).AppendString("22485");
      batch.column(kSilverProductName).AppendString("Crate");
      batch.column(kSilverUnitPrice).AppendInt(250);
      batch.column(kSilverQuantity).AppendInt(2);
      batch.column(kSilverLineTotal).AppendInt(500);
      batch.column(kSilverCustomerNo).AppendString("c" + std::to_string(i));
      batch.column(kSilverCountry).AppendString("France");
      batch.column(kSilverCountryCode).AppendString("FR");
      batch.column(kSilverTopic).AppendString("pedidos");
      batch.column(kSilverPartition).AppendInt(0);
      batch.column(kSilverOffset).AppendInt(i);
      batch.column(kSilverIngestedAt).AppendInt(0);
      batch.column(kSilverRecordId).AppendString(std::to_string(i));
      batch.column(kSilverCurrency).AppendNull();
      batch.column(kSilverOriginalUnitPrice).AppendNull();
      batch.column(kSilverProductNameRaw).AppendNull();
    }
    auto add = (*silver)->WriteDataFile(batch, parquet::WriterOptions{});
    ASSERT_TRUE(add) << add.error().ToString();
    ASSERT_TRUE((*silver)->Commit({*add}, delta::CommitInfo{}));
  }

  RecordBatch ReadGold(const char* path) {
    auto table = delta::DeltaTable::Open(store_.get(), path);
    EXPECT_TRUE(table) << table.error().ToString();
    auto scanned = delta::ScanTable(**table);
    EXPECT_TRUE(scanned) << scanned.error().ToString();
    return scanned->batch;
  }

  jsm::testing::TempDir dir_;
  std::unique_ptr<storage::LocalStore> store_;
};

TEST_F(AggregateStageTest, WritesEveryGoldTableWithTheSilverVersionInTxn) {
  AppendSilver(3);
  auto stage = AggregateStage::Create(store_.get(), PipelineOptions{});
  ASSERT_TRUE(stage) << stage.error().ToString();
  auto step = (*stage)->Step();
  ASSERT_TRUE(step) << step.error().ToString();
  EXPECT_EQ(step->rows_in, 3);
  for (const char* path : {kDailySalesTable, kProductPerformanceTable, kCountrySummaryTable, kCustomerRfmTable,
                           kMonthlyKpisTable}) {
    auto table = delta::DeltaTable::Open(store_.get(), path);
    ASSERT_TRUE(table) << path;
    EXPECT_EQ((*table)->AppVersion(kAggregateAppId), 1) << path;
  }
  EXPECT_EQ(ReadGold(kCustomerRfmTable).num_rows(), 3u);
  // Incremental: the next silver version adds its rows to the state.
  AppendSilver(2);
  step = (*stage)->Step();
  ASSERT_TRUE(step);
  EXPECT_EQ(step->rows_in, 2);
  RecordBatch products = ReadGold(kProductPerformanceTable);
  ASSERT_EQ(products.num_rows(), 1u);
  EXPECT_EQ(products.column(3).IntAt(0), 10);  // units sold: 5 lines of 2
}

TEST_F(AggregateStageTest, AGoldTableOfAnOlderSchemaIsRewrittenWithTheCurrentOne) {
  AppendSilver(2);
  Schema old = ProductPerformanceSchema();
  old.fields.resize(old.fields.size() - 2);  // before cancellations and cancellation_rate
  ASSERT_TRUE(delta::DeltaTable::OpenOrCreate(store_.get(), kProductPerformanceTable, "product_performance", old));
  auto stage = AggregateStage::Create(store_.get(), PipelineOptions{});
  ASSERT_TRUE(stage) << stage.error().ToString();
  auto step = (*stage)->Step();
  ASSERT_TRUE(step) << step.error().ToString();
  auto table = delta::DeltaTable::Open(store_.get(), kProductPerformanceTable);
  ASSERT_TRUE(table);
  EXPECT_EQ((*table)->schema(), ProductPerformanceSchema());
  RecordBatch products = ReadGold(kProductPerformanceTable);
  ASSERT_EQ(products.num_rows(), 1u);
  EXPECT_EQ(products.column(11).DoubleAt(0), 0.0);  // cancellation_rate, read back from the new file
}

/// `schema` as releases before 128-bit money wrote it: gold money columns DECIMAL(18,2).
Schema WithDecimal18Money(Schema schema) {
  for (Field& field : schema.fields) {
    if (field.type == DataType::kDecimal128) field = Field{field.name, DataType::kDecimal, field.nullable, 18, 2};
  }
  return schema;
}

TEST_F(AggregateStageTest, GoldTablesWithDecimal18MoneyAreRecomputedWithDecimal28OnFirstStart) {
  AppendSilver(3);
  const char* paths[] = {kDailySalesTable, kProductPerformanceTable, kCountrySummaryTable, kCustomerRfmTable,
                         kMonthlyKpisTable};
  const Schema* schemas[] = {&DailySalesSchema(), &ProductPerformanceSchema(), &CountrySummarySchema(),
                             &CustomerRfmSchema(), &MonthlyKpisSchema()};
  for (size_t i = 0; i < 5; ++i) {
    const Schema old = WithDecimal18Money(*schemas[i]);
    ASSERT_NE(old, *schemas[i]);
    auto table = delta::DeltaTable::OpenOrCreate(store_.get(), paths[i], paths[i], old);
    ASSERT_TRUE(table) << table.error().ToString();
    // An old file with a wrong (stale) row: gold is derived, so it is replaced, not kept.
    RecordBatch stale(old);
    for (size_t c = 0; c < old.fields.size(); ++c) {
      const Field& field = old.fields[c];
      if (IsByteArrayType(field.type)) stale.column(c).AppendString("stale");
      else if (field.type == DataType::kDouble) stale.column(c).AppendDouble(0.5);
      else stale.column(c).AppendInt(-1);
    }
    auto add = (*table)->WriteDataFile(stale, parquet::WriterOptions{});
    ASSERT_TRUE(add) << add.error().ToString();
    delta::CommitInfo info;
    info.operation = "WRITE";
    ASSERT_TRUE((*table)->Commit({*add, delta::Txn{kAggregateAppId, 0, 0}}, std::move(info)));
  }
  auto stage = AggregateStage::Create(store_.get(), PipelineOptions{});
  ASSERT_TRUE(stage) << stage.error().ToString();
  auto step = (*stage)->Step();
  ASSERT_TRUE(step) << step.error().ToString();
  for (size_t i = 0; i < 5; ++i) {
    auto table = delta::DeltaTable::Open(store_.get(), paths[i]);
    ASSERT_TRUE(table);
    EXPECT_EQ((*table)->schema(), *schemas[i]) << paths[i];
    EXPECT_EQ((*table)->AppVersion(kAggregateAppId), 1) << paths[i];
  }
  RecordBatch daily = ReadGold(kDailySalesTable);
  ASSERT_EQ(daily.num_rows(), 3u);  // the stale row is gone
  EXPECT_EQ(daily.schema().fields[7].type, DataType::kDecimal128);
  EXPECT_TRUE(daily.column(7).WideAt(0) == 500);
  RecordBatch rfm = ReadGold(kCustomerRfmTable);
  ASSERT_EQ(rfm.num_rows(), 3u);
  EXPECT_TRUE(rfm.column(6).WideAt(2) == 500);
}

}  // namespace
}  // namespace jsm::pipeline
