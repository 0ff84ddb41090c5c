#pragma once
/// A small lakehouse for the server tests: gold/things (two versions) and an
/// event log with one batch row and one expectation row.

#include <gtest/gtest.h>

#include <memory>

#include "delta/table.h"
#include "pipeline/event_log.h"
#include "pipeline/pipeline_options.h"
#include "storage/local_store.h"
#include "unit/storage/temp_dir.h"

namespace jsm::serve {

inline Schema ThingsSchema() {
  return Schema{{Field{"name", DataType::kString, false}, Field{"units", DataType::kInt64, false},
                 Field{"price", DataType::kDecimal, true, 18, 2}, Field{"day", DataType::kDate, false},
                 Field{"rate", DataType::kDouble, false}}};
}

class LakehouseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::LocalStore::Open(dir_.path() + "/lake");
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    auto table = delta::DeltaTable::OpenOrCreate(store_.get(), "gold/things", "things", ThingsSchema());
    ASSERT_TRUE(table) << table.error().ToString();
    Append(table->get(), {{"apple", 3, 150, 15000, 0.5}, {"pear, green", 1, -1, 15001, 0.25}});  // version 1
    Append(table->get(), {{"fig \"big\"", 7, 1234, 15002, 1.0}});                               // version 2
    pipeline::PipelineOptions options;
    auto log = pipeline::EventLog::Open(store_.get(), options);
    ASSERT_TRUE(log) << log.error().ToString();
    pipeline::BatchEvent event;
    event.stage = "refine";
    event.target_table = "silver/pedidos";
    event.target_version = 1;
    event.rows_in = 10;
    event.rows_out = 8;
    event.quarantined = 1;
    event.dead_letters = 1;
    event.latency_max_ms = 40;
    event.duration_ms = 300;
    event.expectations.push_back({"price_positive", "drop", 9, 1});
    ASSERT_TRUE((*log)->Append(event));
  }

  struct Thing {
    const char* name;
    int64_t units;
    int64_t price_cents;  // -1 = null
    int32_t day;
    double rate;
  };
  static void Append(delta::DeltaTable* table, const std::vector<Thing>& things) {
    RecordBatch batch(ThingsSchema());
    for (const Thing& t : things) {
      batch.column(0).AppendString(t.name);
      batch.column(1).AppendInt(t.units);
      if (t.price_cents < 0) batch.column(2).AppendNull();
      else batch.column(2).AppendInt(t.price_cents);
      batch.column(3).AppendInt(t.day);
      batch.column(4).AppendDouble(t.rate);
    }
    auto add = table->WriteDataFile(batch, parquet::WriterOptions{});
    ASSERT_TRUE(add) << add.error().ToString();
    delta::CommitInfo info;
    info.operation = "WRITE";
    auto committed = table->Commit({*add}, info);
    ASSERT_TRUE(committed) << committed.error().ToString();
  }

  jsm::testing::TempDir dir_;
  std::unique_ptr<storage::LocalStore> store_;
};

}  // namespace jsm::serve
