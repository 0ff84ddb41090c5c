#pragma once
/// The ingest stage: Kafka -> bronze/pedidos, exactly once. Each bronze commit
/// carries one txn action per partition it holds rows of (appId
/// "jsm-ingest/<cluster id>/<topic>/<partition>", version = last offset written),
/// and a partition is always read from its txn + 1, whatever Kafka's committed
/// offsets say. The Kafka cluster id is part of the appId because offsets mean
/// nothing on another cluster (every embedded broker is a new one).
///
/// Two ways to get partitions (docs/kafka.md, "Consumer groups"):
/// - kGroup (a real cluster): a member of the consumer group `<kafka.group_id>-ingest`
///   with cooperative-sticky assignment. On assignment it re-reads the latest bronze
///   snapshot and starts each new partition at its txn + 1. On revocation it drops
///   what it buffered (the whole open batch, then seeks its remaining partitions
///   back to their committed positions): rows of a partition are only ever
///   committed by its owner, and a commit whose txn for a partition is not the one
///   the batch started from is refused (checked on the latest snapshot, and by the
///   Delta conflict check for commits that land meanwhile), so two writers of one
///   partition range can never both succeed.
/// - kExplicit (the embedded broker, also when shared by `jsm broker`): every
///   partition assigned to this process.

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/process_slot.h"
#include "delta/table.h"
#include "kafka/consumer.h"
#include "pipeline/event_log.h"
#include "pipeline/pipeline_options.h"
#include "pipeline/stage.h"

namespace jsm::pipeline {

/// How the ingest stage gets its partitions.
enum class IngestAssignment {
  kGroup,     ///< consumer group, cooperative-sticky (real clusters; several processes share the topic)
  kExplicit,  ///< every partition, assigned by this process alone (embedded broker)
  /// kGroup, except on librdkafka's mock cluster (the embedded broker, in process or
  /// `jsm broker`): it keeps a member that left until its session times out (45 s),
  /// so a restarted process would wait that long, and it serves one process anyway.
  kAuto,
};

/// Consumes the topic into bronze.
class IngestStage : public Stage {
 public:
  /// `source_id` names the Kafka cluster in the txn appIds; empty = the cluster id the brokers report.
  static Result<std::unique_ptr<IngestStage>> Create(storage::ObjectStore* store, const PipelineOptions& options,
                                                     const kafka::ClientConfig& client, std::string source_id = "",
                                                     IngestAssignment assignment = IngestAssignment::kExplicit);
  std::string_view name() const override { return "ingest"; }
  Result<StepResult> Step() override;
  Status Flush() override;
  /// In group mode: true when bronze's txn of every partition of the topic (owned
  /// by this member or not) has reached the target, so every member of a group
  /// run with --available-now exits 0 and together they cover every partition.
  Result<bool> ReachedTarget() override;
  /// Targets are the high watermarks of every non-empty partition at this moment.
  Status MarkTarget() override;

  /// Rows committed to bronze by this stage so far.
  int64_t committed_rows() const { return committed_rows_.load(); }
  /// Also adds every row this stage commits to `*total` (must outlive the stage; may be null),
  /// a count that goes on across a stage rebuilt after a dead Kafka client.
  void CountCommittedRowsInto(std::atomic<int64_t>* total) { committed_total_ = total; }
  /// The txn appId for one partition of a topic of a cluster.
  static std::string AppId(const std::string& cluster_id, const std::string& topic, int32_t partition);
  /// The group.instance.id of a static member: "<group>-<host>-<slot>", where the slot is the
  /// lowest ProcessSlot of the group free on this machine (unless kafka.properties sets one).
  static std::string StaticMemberId(const std::string& group, const std::string& host, int slot);
  /// The consumer group of the ingest stage.
  static std::string GroupId(const PipelineOptions& options) { return options.group_id + "-ingest"; }

 private:
  IngestStage() = default;
  /// Commits the open batch; false if it was dropped because another writer
  /// already committed one of its partitions (then the stage re-syncs from bronze).
  Result<bool> CommitBatch();
  /// Start offsets of newly assigned partitions, from the latest bronze snapshot.
  Result<std::map<int32_t, int64_t>> OnAssign(const std::vector<int32_t>& partitions);
  void OnRevoke(const std::vector<int32_t>& partitions, bool lost);
  /// Drops the open batch and seeks every owned partition back to its committed position.
  Status Rewind();
  /// Re-reads bronze and takes its txns as the committed positions, then rewinds.
  Status ResyncFromBronze();
  int64_t BronzeNext(int32_t partition) const;  ///< txn + 1, or -1 if bronze has none

  PipelineOptions options_;
  IngestAssignment assignment_ = IngestAssignment::kExplicit;
  std::unique_ptr<delta::DeltaTable> bronze_;
  std::optional<ProcessSlot> slot_;  ///< held while the consumer lives (declared first: released last)
  std::unique_ptr<kafka::Consumer> consumer_;
  std::string cluster_id_;
  int partitions_ = 0;
  std::map<int32_t, int64_t> next_offsets_;      ///< committed position per owned partition
  std::map<int32_t, int64_t> pending_offsets_;   ///< position including the open batch
  std::map<int32_t, int64_t> target_offsets_;    ///< high watermarks of non-empty partitions, from MarkTarget
  std::map<int32_t, std::pair<int64_t, int>> gap_checked_;  ///< per partition: position whose jump was re-read, and how often
  std::map<int32_t, int64_t> reread_;           ///< partitions to seek back to their position after this poll
  bool rewind_ = false;                          ///< a rebalance took partitions with buffered rows
  bool own_target_committed_ = false;
  double last_bronze_check_ = 0;
  int64_t batch_id_ = 0;
  RecordBatch batch_;
  int64_t batch_bytes_ = 0;
  std::vector<kafka::Message> messages_;
  std::vector<kafka::HeaderView> header_views_;  ///< of one message, reused
  std::string headers_json_;                     ///< the headers column of one message, reused
  std::map<int32_t, int64_t> batch_first_offsets_;  ///< per partition: the first offset in the open batch
  double batch_started_ = 0;
  std::atomic<int64_t> committed_rows_{0};
  std::atomic<int64_t>* committed_total_ = nullptr;
  std::vector<int64_t> kafka_timestamps_ms_;
  std::unique_ptr<EventLog> event_log_;
};

}  // namespace jsm::pipeline
