#include "serve/consumer_lag.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "delta/table.h"
#include "pipeline/table_schemas.h"
#include "unit/serve/test_lakehouse.h"

namespace jsm::serve {
namespace {

/// Watermarks as a test sets them; `up = false` is a broker that does not answer.
struct FakeBroker {
  bool up = true;
  std::string cluster = "cluster-a";
  std::map<int32_t, std::pair<int64_t, int64_t>> marks;
  std::map<int32_t, int64_t> group;
  std::atomic<int> watermark_calls{0};
};

class FakeSource : public WatermarkSource {
 public:
  explicit FakeSource(FakeBroker* broker) : broker_(broker) {}
  Result<std::string> ClusterId() override {
    if (!broker_->up) return MakeError(ErrorCode::kUnavailable, "broker down (fake)");
    return broker_->cluster;
  }
  Result<std::map<int32_t, std::pair<int64_t, int64_t>>> Watermarks() override {
    ++broker_->watermark_calls;
    if (!broker_->up) return MakeError(ErrorCode::kUnavailable, "broker down (fake)");
    return broker_->marks;
  }
  Result<std::map<int32_t, int64_t>> GroupOffsets() override { return broker_->group; }

 private:
  FakeBroker* broker_;
};

TEST(ConsumerLag, LagIsHighWatermarkMinusBronzesNextOffset) {
  const auto lag = ComputeLag({{0, {0, 100}}, {1, {0, 50}}, {2, {0, 7}}}, {{0, 100}, {1, 20}}, {{1, 15}});
  ASSERT_EQ(lag.size(), 3u);
  EXPECT_EQ(lag[0].lag(), 0);
  EXPECT_EQ(lag[1].lag(), 30);
  EXPECT_EQ(lag[1].group_offset, 15);
  EXPECT_FALSE(lag[0].group_offset);
  // Bronze has nothing of partition 2: all of it is lag.
  EXPECT_EQ(lag[2].bronze_offset, -1);
  EXPECT_EQ(lag[2].lag(), 7);
}

TEST(ConsumerLag, MessagesDeletedByRetentionAreNotLag) {
  const auto lag = ComputeLag({{0, {40, 100}}}, {{0, 10}}, {});
  EXPECT_EQ(lag[0].lag(), 60);
  // A bronze offset beyond the log (topic recreated) is never negative lag.
  EXPECT_EQ(ComputeLag({{0, {0, 5}}}, {{0, 9}}, {})[0].lag(), 0);
}

TEST(ConsumerLag, BronzeOffsetsComeFromTheIngestTxnsOfThisClusterAndTopic) {
  const std::map<std::string, int64_t> apps = {{"jsm-ingest/cluster-a/pedidos/0", 99},
                                               {"jsm-ingest/cluster-a/pedidos/1", 19},
                                               {"jsm-ingest/cluster-a/pedidos/10", 4},
                                               {"jsm-ingest/cluster-b/pedidos/0", 500},
                                               {"jsm-ingest/cluster-a/pedidos.dlq/0", 3},
                                               {"jsm-ingest/cluster-a/pedidos/x", 1},
                                               {"jsm-refine", 12}};
  const auto offsets = BronzeOffsets(apps, "cluster-a", "pedidos");
  EXPECT_EQ(offsets, (std::map<int32_t, int64_t>{{0, 100}, {1, 20}, {10, 5}}));
}

using LagMonitorTest = LakehouseTest;

TEST_F(LagMonitorTest, WithoutABrokerNothingIsConfigured) {
  LagMonitor monitor;
  monitor.Refresh();
  EXPECT_FALSE(monitor.Report().configured);
}

TEST_F(LagMonitorTest, ReadsBronzesTxnsAndTheBrokersWatermarks) {
  // Bronze holds offsets 0..41 of partition 0 and nothing of partition 1.
  auto bronze = delta::DeltaTable::OpenOrCreate(store_.get(), pipeline::kBronzeTable, "pedidos_bronze",
                                                pipeline::BronzeSchema());
  ASSERT_TRUE(bronze) << bronze.error().ToString();
  ASSERT_TRUE((*bronze)->Commit({delta::Txn{"jsm-ingest/cluster-a/pedidos/0", 41, 0}},
                                delta::CommitInfo{.operation = "STREAMING UPDATE"}));
  FakeBroker broker;
  broker.marks = {{0, {0, 50}}, {1, {0, 3}}};
  LagMonitor monitor(store_.get(), std::make_unique<FakeSource>(&broker), "pedidos", "jsm-pipeline-ingest");
  EXPECT_FALSE(monitor.Report().kafka_up);  // not asked yet
  monitor.Refresh();
  LagReport report = monitor.Report();
  EXPECT_TRUE(report.configured);
  ASSERT_TRUE(report.kafka_up) << report.error;
  ASSERT_EQ(report.partitions.size(), 2u);
  EXPECT_EQ(report.partitions[0].bronze_offset, 42);
  EXPECT_EQ(report.partitions[0].lag(), 8);
  EXPECT_EQ(report.partitions[1].lag(), 3);
  EXPECT_EQ(report.total_lag(), 11);
  // Ingest moves on: the next refresh reads bronze's new commit.
  ASSERT_TRUE((*bronze)->Commit({delta::Txn{"jsm-ingest/cluster-a/pedidos/1", 2, 0}},
                                delta::CommitInfo{.operation = "STREAMING UPDATE"}));
  monitor.Refresh();
  report = monitor.Report();
  EXPECT_EQ(report.partitions[1].bronze_offset, 3);
  EXPECT_EQ(report.total_lag(), 8);
  // The broker goes away: kafka_up false, no stale partition figures.
  broker.up = false;
  monitor.Refresh();
  report = monitor.Report();
  EXPECT_FALSE(report.kafka_up);
  EXPECT_TRUE(report.partitions.empty());
  EXPECT_NE(report.error.find("broker down"), std::string::npos) << report.error;
}

TEST_F(LagMonitorTest, ABackgroundThreadRefreshesUntilTheMonitorIsDestroyed) {
  FakeBroker broker;
  broker.marks = {{0, {0, 5}}};
  {
    LagMonitor monitor(store_.get(), std::make_unique<FakeSource>(&broker), "pedidos", "g");
    monitor.Start(10);
    // Poll with a deadline until the thread has refreshed a few times.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (broker.watermark_calls < 3 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_GE(broker.watermark_calls, 3);
    EXPECT_EQ(monitor.Report().total_lag(), 5);  // no bronze table yet: everything is lag
  }
  const int calls = broker.watermark_calls;
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(broker.watermark_calls, calls);  // stopped with the monitor
}

}  // namespace
}  // namespace jsm::serve
