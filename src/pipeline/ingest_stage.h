#pragma once
/// The ingest stage: Kafka -> bronze/pedidos, exactly once. Each bronze commit
/// carries one txn action per partition (appId "jsm-ingest/<cluster id>/<topic>/<partition>",
/// version = last offset written), and on start the consumer resumes from them.
/// The Kafka cluster id is part of the appId because offsets mean nothing on
/// another cluster (every embedded broker is a new one).

#include <atomic>
#include <map>
#include <memory>
#include <vector>

#include "delta/table.h"
#include "kafka/consumer.h"
#include "pipeline/event_log.h"
#include "pipeline/pipeline_options.h"
#include "pipeline/stage.h"

namespace jsm::pipeline {

/// Consumes the topic into bronze.
class IngestStage : public Stage {
 public:
  /// `source_id` names the Kafka cluster in the txn appIds; empty = the cluster id the brokers report.
  static Result<std::unique_ptr<IngestStage>> Create(storage::ObjectStore* store, const PipelineOptions& options,
                                                     const kafka::ClientConfig& client, std::string source_id = "");
  std::string_view name() const override { return "ingest"; }
  Result<StepResult> Step() override;
  Status Flush() override;
  Result<bool> ReachedTarget() override;
  Status MarkTarget() override;

  /// Rows committed to bronze by this process so far.
  int64_t committed_rows() const { return committed_rows_.load(); }
  /// The txn appId for one partition of a topic of a cluster.
  static std::string AppId(const std::string& cluster_id, const std::string& topic, int32_t partition);

 private:
  IngestStage() = default;
  Status CommitBatch();

  PipelineOptions options_;
  std::unique_ptr<delta::DeltaTable> bronze_;
  std::unique_ptr<kafka::Consumer> consumer_;
  std::string cluster_id_;
  int partitions_ = 0;
  std::map<int32_t, int64_t> next_offsets_;      ///< committed position per partition
  std::map<int32_t, int64_t> pending_offsets_;   ///< position including the open batch
  std::map<int32_t, int64_t> target_offsets_;    ///< high watermarks from MarkTarget
  RecordBatch batch_;
  std::vector<kafka::Message> messages_;
  double batch_started_ = 0;
  std::atomic<int64_t> committed_rows_{0};
  std::vector<int64_t> kafka_timestamps_ms_;
  std::unique_ptr<EventLog> event_log_;
};

}  // namespace jsm::pipeline
