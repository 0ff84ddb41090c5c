#include "serve/prometheus_metrics.h"

#include <gtest/gtest.h>

#include "unit/serve/test_lakehouse.h"

namespace jsm::serve {
namespace {

using MetricsTest = LakehouseTest;

bool Has(const std::string& text, const std::string& line) { return text.find(line + "\n") != std::string::npos; }

TEST_F(MetricsTest, SumsTheEventLogPerStageAndExpectation) {
  MetricsCollector metrics(store_.get());
  auto text = metrics.Render();
  ASSERT_TRUE(text) << text.error().ToString();
  EXPECT_TRUE(Has(*text, "# TYPE jsm_stage_events_in_total counter")) << *text;
  EXPECT_TRUE(Has(*text, R"(jsm_stage_batches_total{stage="refine"} 1)")) << *text;
  EXPECT_TRUE(Has(*text, R"(jsm_stage_events_in_total{stage="refine"} 10)")) << *text;
  EXPECT_TRUE(Has(*text, R"(jsm_stage_events_out_total{stage="refine"} 8)")) << *text;
  EXPECT_TRUE(Has(*text, R"(jsm_stage_dead_letters_total{stage="refine"} 1)")) << *text;
  EXPECT_TRUE(Has(*text, R"(jsm_stage_quarantined_total{stage="refine"} 1)")) << *text;
  EXPECT_TRUE(Has(*text, R"(jsm_expectation_passed_total{expectation="price_positive",action="drop"} 9)")) << *text;
  EXPECT_TRUE(Has(*text, R"(jsm_expectation_failed_total{expectation="price_positive",action="drop"} 1)")) << *text;
  // 0.3 s falls in the le=0.5 bucket, not in le=0.25.
  EXPECT_TRUE(Has(*text, R"(jsm_batch_duration_seconds_bucket{stage="refine",le="0.25"} 0)")) << *text;
  EXPECT_TRUE(Has(*text, R"(jsm_batch_duration_seconds_bucket{stage="refine",le="0.5"} 1)")) << *text;
  EXPECT_TRUE(Has(*text, R"(jsm_batch_duration_seconds_bucket{stage="refine",le="+Inf"} 1)")) << *text;
  EXPECT_TRUE(Has(*text, R"(jsm_batch_duration_seconds_count{stage="refine"} 1)")) << *text;
  EXPECT_TRUE(Has(*text, R"(jsm_produce_to_visible_seconds_bucket{stage="refine",le="0.05"} 1)")) << *text;
  EXPECT_TRUE(Has(*text, R"(jsm_table_rows{table="gold/things"} 3)")) << *text;
  EXPECT_TRUE(Has(*text, R"(jsm_table_files{table="gold/things"} 2)")) << *text;
}

TEST_F(MetricsTest, ANewEventLogFileIsAddedToTheCachedTotals) {
  MetricsCollector metrics(store_.get());
  ASSERT_TRUE(metrics.Render());
  pipeline::PipelineOptions options;
  auto log = pipeline::EventLog::Open(store_.get(), options);
  ASSERT_TRUE(log);
  pipeline::BatchEvent event;
  event.stage = "refine";
  event.target_table = "silver/pedidos";
  event.rows_in = 5;
  ASSERT_TRUE((*log)->Append(event));
  auto text = metrics.Render();
  ASSERT_TRUE(text);
  EXPECT_TRUE(Has(*text, R"(jsm_stage_batches_total{stage="refine"} 2)")) << *text;
  EXPECT_TRUE(Has(*text, R"(jsm_stage_events_in_total{stage="refine"} 15)")) << *text;
}

TEST_F(MetricsTest, CommitConflictsAreSummedPerStageAndTable) {
  auto log = pipeline::EventLog::Open(store_.get(), pipeline::PipelineOptions{});
  ASSERT_TRUE(log);
  pipeline::BatchEvent event;
  event.stage = "ingest";
  event.target_table = "bronze/pedidos";
  event.commit_conflicts = 2;
  ASSERT_TRUE((*log)->Append(event));
  event.commit_conflicts = 3;
  ASSERT_TRUE((*log)->Append(event));
  MetricsCollector metrics(store_.get());
  auto text = metrics.Render();
  ASSERT_TRUE(text) << text.error().ToString();
  EXPECT_TRUE(Has(*text, "# TYPE jsm_commit_conflicts_total counter")) << *text;
  EXPECT_TRUE(Has(*text, R"(jsm_commit_conflicts_total{stage="ingest",table="bronze/pedidos"} 5)")) << *text;
  // The fixture's refine batch had none: its series exists, at 0.
  EXPECT_TRUE(Has(*text, R"(jsm_commit_conflicts_total{stage="refine",table="silver/pedidos"} 0)")) << *text;
  auto conflicts = metrics.CommitConflicts();
  ASSERT_TRUE(conflicts);
  EXPECT_EQ(conflicts->at(std::make_pair(std::string("ingest"), std::string("bronze/pedidos"))), 5);
}

TEST(LagMetrics, PerPartitionSeriesAndKafkaUp) {
  LagReport report;
  report.configured = true;
  report.kafka_up = true;
  report.topic = "pedidos";
  report.group = "jsm-pipeline-ingest";
  report.partitions = ComputeLag({{0, {0, 10}}, {1, {0, 4}}}, {{0, 7}}, {{0, 7}});
  std::string text;
  RenderLagMetrics(report, &text);
  EXPECT_TRUE(Has(text, "jsm_kafka_up 1")) << text;
  EXPECT_TRUE(Has(text, "# TYPE jsm_consumer_lag gauge")) << text;
  EXPECT_TRUE(Has(text, R"(jsm_consumer_lag{topic="pedidos",partition="0"} 3)")) << text;
  EXPECT_TRUE(Has(text, R"(jsm_consumer_lag{topic="pedidos",partition="1"} 4)")) << text;
  EXPECT_TRUE(Has(text, R"(jsm_partition_high_watermark{topic="pedidos",partition="1"} 4)")) << text;
  EXPECT_TRUE(Has(text, R"(jsm_bronze_offset{topic="pedidos",partition="0"} 7)")) << text;
  EXPECT_EQ(text.find(R"(jsm_bronze_offset{topic="pedidos",partition="1"})"), std::string::npos) << text;
  EXPECT_TRUE(Has(text, R"(jsm_consumer_group_offset{topic="pedidos",partition="0",group="jsm-pipeline-ingest"} 7)"))
      << text;
}

TEST(LagMetrics, ADeadBrokerIsKafkaUpZeroWithoutLagSeries) {
  LagReport report;
  report.configured = true;
  report.topic = "pedidos";
  std::string text;
  RenderLagMetrics(report, &text);
  EXPECT_TRUE(Has(text, "jsm_kafka_up 0")) << text;
  EXPECT_EQ(text.find("jsm_consumer_lag"), std::string::npos) << text;
  // Not configured: no lag series at all.
  std::string none;
  RenderLagMetrics(LagReport{}, &none);
  EXPECT_TRUE(none.empty()) << none;
}

TEST(EscapeLabel, EscapesBackslashQuoteAndNewline) {
  EXPECT_EQ(EscapeLabel("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
}

}  // namespace
}  // namespace jsm::serve
