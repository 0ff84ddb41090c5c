#pragma once
// What a test of the refine stage (and what follows it) needs: a temporary
// lakehouse, an embedded broker for dead letters, and bronze commits made by hand.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/record_batch.h"
#include "delta/table.h"
#include "kafka/dead_letter.h"
#include "kafka/embedded_broker.h"
#include "kafka/producer.h"
#include "pipeline/pipeline_options.h"
#include "pipeline/table_schemas.h"
#include "storage/local_store.h"
#include "unit/storage/temp_dir.h"

namespace jsm::pipeline {

class RefineFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::LocalStore::Open(dir_.path());
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    auto broker = kafka::EmbeddedBroker::Start(1, kafka::DefaultTopics("pedidos"));
    ASSERT_TRUE(broker) << broker.error().ToString();
    broker_ = std::move(*broker);
    auto producer = kafka::Producer::Create(kafka::ClientConfig{broker_->bootstrap_servers(), {}});
    ASSERT_TRUE(producer) << producer.error().ToString();
    producer_ = std::move(*producer);
    dead_letters_ = std::make_unique<kafka::DeadLetterWriter>(producer_.get(), "pedidos.dlq", "test");
    options_.lakehouse = dir_.path();
  }
  void TearDown() override {
    dead_letters_.reset();
    producer_.reset();
    broker_.reset();
  }

  /// Appends one bronze commit holding `events` on partition 0 (columns after the
  /// first seven null) and returns its version. `schema` creates the table when it
  /// does not exist yet: an older bronze schema makes a table from before a column.
  int64_t AppendBronze(const std::vector<std::string>& events, const Schema& schema = BronzeSchema()) {
    auto bronze = delta::DeltaTable::OpenOrCreate(store_.get(), kBronzeTable, "pedidos_bronze", schema);
    EXPECT_TRUE(bronze) << bronze.error().ToString();
    if (!bronze) return -1;
    RecordBatch batch((*bronze)->schema());
    for (const std::string& event : events) {
      batch.column(kBronzeValue).AppendString(event);
      batch.column(kBronzeKey).AppendString("k");
      batch.column(kBronzeTopic).AppendString("pedidos");
      batch.column(kBronzePartition).AppendInt(0);
      batch.column(kBronzeOffset).AppendInt(next_offset_++);
      batch.column(kBronzeKafkaTimestamp).AppendInt(NowMicros());
      batch.column(kBronzeIngestedAt).AppendInt(NowMicros());
      for (size_t c = kBronzeHeaders; c < batch.num_columns(); ++c) batch.column(c).AppendNull();
    }
    auto add = (*bronze)->WriteDataFile(batch, parquet::WriterOptions{});
    EXPECT_TRUE(add) << add.error().ToString();
    if (!add) return -1;
    auto version = (*bronze)->Commit({*add}, delta::CommitInfo{.operation = "STREAMING UPDATE"});
    EXPECT_TRUE(version) << version.error().ToString();
    return version ? *version : -1;
  }

  jsm::testing::TempDir dir_;
  std::unique_ptr<storage::ObjectStore> store_;  ///< a LocalStore, or a test's wrapper around one
  std::unique_ptr<kafka::EmbeddedBroker> broker_;
  std::unique_ptr<kafka::Producer> producer_;
  std::unique_ptr<kafka::DeadLetterWriter> dead_letters_;
  PipelineOptions options_;
  int64_t next_offset_ = 0;
};

}  // namespace jsm::pipeline
