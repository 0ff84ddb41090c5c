#include "pipeline/ingest_stage.h"

#include <set>
#include <thread>

#include "common/backoff.h"
#include "common/clock.h"
#include "common/logging.h"
#include "kafka/broker_probe.h"
#include "kafka/rdkafka_log.h"
#include "pipeline/bronze_headers.h"
#include "pipeline/bronze_table.h"
#include "pipeline/table_schemas.h"

namespace jsm::pipeline {
namespace {

/// How often a group member that has read its own partitions to the target
/// re-reads bronze to see whether the other members have read theirs.
constexpr double kBronzeCheckSeconds = 0.5;
/// librdkafka's mock cluster (our embedded broker) names itself "mockCluster<hex>".
constexpr std::string_view kMockClusterIdPrefix = "mockCluster";
/// How many times a jump in a partition's offsets is re-read before it is taken as real.
constexpr int kGapRereads = 3;
/// How long one start attempt waits for a broker to answer (the runner retries
/// with backoff; brokers that refuse connections end an attempt at once).
constexpr int kBrokerProbeMs = 10000;

std::string PartitionList(const std::vector<int32_t>& partitions) {
  std::string out = "[";
  for (int32_t p : partitions) out += (out.size() > 1 ? "," : "") + std::to_string(p);
  return out + "]";
}

}  // namespace

std::string IngestStage::AppId(const std::string& cluster_id, const std::string& topic, int32_t partition) {
  return "jsm-ingest/" + cluster_id + "/" + topic + "/" + std::to_string(partition);
}

Result<std::unique_ptr<IngestStage>> IngestStage::Create(storage::ObjectStore* store, const PipelineOptions& options,
                                                         const kafka::ClientConfig& client, std::string source_id,
                                                         IngestAssignment assignment) {
  // Before anything touches the lakehouse: does a broker answer, and does it
  // accept our credentials? (kUnavailable is retried by the caller; an
  // authentication failure is permanent.)
  JSM_RETURN_IF_ERROR(kafka::ProbeBrokers(client, kBrokerProbeMs, /*stop_when_all_down=*/true));
  std::unique_ptr<IngestStage> stage(new IngestStage());
  stage->options_ = options;
  JSM_ASSIGN_OR_RETURN(stage->bronze_, OpenBronzeTable(store));
  kafka::ClientConfig consumer_config = client;
  if (assignment != IngestAssignment::kExplicit && options.static_membership &&
      !client.properties.contains("group.instance.id")) {
    // A static member (KIP-345): a process restarted after a crash, with the same id, takes
    // its partitions back at once instead of waiting for the dead member's session to expire.
    JSM_ASSIGN_OR_RETURN(ProcessSlot slot, ProcessSlot::Acquire(GroupId(options)));
    consumer_config.properties["group.instance.id"] = StaticMemberId(GroupId(options), HostName(), slot.number());
    stage->slot_.emplace(std::move(slot));
  }
  JSM_ASSIGN_OR_RETURN(stage->consumer_, kafka::Consumer::Create(consumer_config, GroupId(options)));
  if (source_id.empty()) {
    JSM_ASSIGN_OR_RETURN(stage->cluster_id_, stage->consumer_->ClusterId());
  } else {
    stage->cluster_id_ = std::move(source_id);
  }
  JSM_ASSIGN_OR_RETURN(stage->partitions_, stage->consumer_->PartitionCount(options.topic));
  if (assignment == IngestAssignment::kAuto) {
    JSM_ASSIGN_OR_RETURN(const std::string reported, stage->consumer_->ClusterId());
    assignment = reported.starts_with(kMockClusterIdPrefix) ? IngestAssignment::kExplicit : IngestAssignment::kGroup;
  }
  stage->assignment_ = assignment;
  stage->batch_ = RecordBatch(BronzeSchema());
  JSM_ASSIGN_OR_RETURN(stage->event_log_, EventLog::Open(store, options));
  IngestStage* self = stage.get();
  if (assignment == IngestAssignment::kGroup) {
    kafka::RebalanceHandler handler;
    handler.on_assign = [self](const std::vector<int32_t>& partitions) { return self->OnAssign(partitions); };
    handler.on_revoke = [self](const std::vector<int32_t>& partitions, bool lost) { self->OnRevoke(partitions, lost); };
    JSM_RETURN_IF_ERROR(stage->consumer_->Subscribe(options.topic, std::move(handler)));
  } else {
    for (int32_t p = 0; p < stage->partitions_; ++p) {
      if (const int64_t next = stage->BronzeNext(p); next >= 0) stage->next_offsets_[p] = next;
    }
    stage->pending_offsets_ = stage->next_offsets_;
    JSM_RETURN_IF_ERROR(stage->consumer_->AssignAll(options.topic, stage->next_offsets_));
  }
  Log().info(
      R"("ingest starts","stage":"ingest","cluster":"{}","topic":"{}","partitions":{},"bronze_version":{},"assignment":"{}","group":"{}","group_instance_id":{})",
      stage->cluster_id_, options.topic, stage->partitions_, stage->bronze_->version(),
      assignment == IngestAssignment::kGroup ? "group" : "explicit", GroupId(options),
      assignment == IngestAssignment::kGroup && consumer_config.properties.contains("group.instance.id")
          ? kafka::JsonQuoted(consumer_config.properties.at("group.instance.id"))
          : std::string("null"));
  return stage;
}

std::string IngestStage::StaticMemberId(const std::string& group, const std::string& host, int slot) {
  return group + "-" + host + "-" + std::to_string(slot);
}

int64_t IngestStage::BronzeNext(int32_t partition) const {
  const int64_t last = bronze_->AppVersion(AppId(cluster_id_, options_.topic, partition));
  return last >= 0 ? last + 1 : -1;
}

Result<std::map<int32_t, int64_t>> IngestStage::OnAssign(const std::vector<int32_t>& partitions) {
  // Another member may have committed these partitions a moment ago: read the
  // latest snapshot. A storage hiccup is retried briefly (this blocks the poll).
  Backoff backoff({100, 2000, 2.0, 0.25});
  while (true) {
    auto refreshed = bronze_->Refresh();
    if (refreshed) break;
    if (!IsTransient(refreshed.error()) || backoff.attempts() >= 8) return std::unexpected(refreshed.error());
    const int64_t wait = backoff.NextDelayMs();
    Log().warn(R"("bronze refresh failed, retrying","stage":"ingest","attempt":{},"wait_ms":{},"error":{})",
               backoff.attempts(), wait, kafka::JsonQuoted(refreshed.error().ToString()));
    std::this_thread::sleep_for(std::chrono::milliseconds(wait));
  }
  std::map<int32_t, int64_t> starts;
  for (int32_t p : partitions) {
    if (const int64_t next = BronzeNext(p); next >= 0) {
      starts[p] = next_offsets_[p] = pending_offsets_[p] = next;
    } else {
      next_offsets_.erase(p);
      pending_offsets_.erase(p);
    }
  }
  std::string positions;
  for (int32_t p : partitions) {
    auto it = starts.find(p);
    positions += (positions.empty() ? "" : ",") + fmt::format(R"({{"partition":{},"offset":{}}})", p,
                                                              it == starts.end() ? -1 : it->second);
  }
  Log().info(R"("partitions assigned","stage":"ingest","topic":"{}","group":"{}","bronze_version":{},"start":[{}])",
             options_.topic, GroupId(options_), bronze_->version(), positions);
  return starts;
}

void IngestStage::OnRevoke(const std::vector<int32_t>& partitions, bool lost) {
  bool buffered = false;
  for (int32_t p : partitions) {
    auto pending = pending_offsets_.find(p);
    auto committed = next_offsets_.find(p);
    const int64_t from = committed == next_offsets_.end() ? -1 : committed->second;
    if (pending != pending_offsets_.end() && pending->second != from) buffered = true;
    next_offsets_.erase(p);
    pending_offsets_.erase(p);
  }
  // Rows of a partition we no longer own are never committed: the open batch is dropped.
  if (buffered) rewind_ = true;
  Log().info(R"("partitions revoked","stage":"ingest","topic":"{}","partitions":{},"lost":{},"dropped_batch_rows":{})",
             options_.topic, PartitionList(partitions), lost, buffered ? batch_.num_rows() : 0);
}

Status IngestStage::Rewind() {
  const size_t dropped = batch_.num_rows();
  batch_.Clear();
  batch_first_offsets_.clear();
  batch_bytes_ = 0;
  pending_offsets_ = next_offsets_;
  std::map<int32_t, int64_t> positions;
  for (int32_t p : consumer_->owned_partitions()) {
    auto it = next_offsets_.find(p);
    positions[p] = it == next_offsets_.end() ? -1 : it->second;
  }
  JSM_RETURN_IF_ERROR(consumer_->Seek(positions));
  rewind_ = false;
  Log().info(R"("ingest rewinds to the committed positions","stage":"ingest","topic":"{}","dropped_rows":{})",
             options_.topic, dropped);
  return Status::Ok();
}

Status IngestStage::ResyncFromBronze() {
  JSM_ASSIGN_OR_RETURN(const bool moved, bronze_->Refresh());
  (void)moved;
  for (int32_t p : consumer_->owned_partitions()) {
    if (const int64_t next = BronzeNext(p); next >= 0) next_offsets_[p] = next;
    else next_offsets_.erase(p);
  }
  return Rewind();
}

Result<StepResult> IngestStage::Step() {
  StepResult result;
  const size_t room = static_cast<size_t>(options_.ingest_commit_messages) - batch_.num_rows();
  JSM_RETURN_IF_ERROR(consumer_->Poll(room, 50, &messages_));
  if (rewind_) {
    // A rebalance in this poll took partitions we had buffered rows of.
    messages_.clear();
    JSM_RETURN_IF_ERROR(Rewind());
    return result;
  }
  if (!messages_.empty() && batch_.num_rows() == 0) batch_started_ = MonotonicSeconds();
  const int64_t now = NowMicros();
  int64_t taken = 0;
  reread_.clear();
  for (const kafka::Message& message : messages_) {
    if (!reread_.empty() && reread_.contains(message.partition)) continue;
    if (auto it = pending_offsets_.find(message.partition); it != pending_offsets_.end()) {
      // Never take an offset twice (a fetch from before a seek).
      if (message.offset < it->second) continue;
      // A jump past the position we read up to. librdkafka 2.0.2 can drop
      // prefetched messages when a rebalance pauses and resumes the partitions
      // we keep, and resume past them. Offsets may also jump legitimately
      // (compaction, transaction markers): so seek back, up to kGapRereads
      // times; if the log really has nothing in between, the same jump comes
      // again and is then taken.
      if (message.offset > it->second) {
        auto& [position, times] = gap_checked_[message.partition];
        if (position != it->second) {
          position = it->second;
          times = 0;
        }
        if (++times <= kGapRereads) {
          reread_[message.partition] = it->second;
          Log().warn(
              R"("offset jump, re-reading","stage":"ingest","topic":"{}","partition":{},"expected":{},"got":{},"reread":{})",
              options_.topic, message.partition, it->second, message.offset, times);
          continue;
        }
      }
    }
    AppendBronzeBytes(message.has_value ? std::optional(message.value) : std::nullopt, &batch_.column(kBronzeValue),
                      &batch_.column(kBronzeValueRaw));
    AppendBronzeBytes(message.has_key ? std::optional(message.key) : std::nullopt, &batch_.column(kBronzeKey),
                      &batch_.column(kBronzeKeyRaw));
    batch_.column(kBronzeTopic).AppendString(options_.topic);
    batch_.column(kBronzePartition).AppendInt(message.partition);
    batch_.column(kBronzeOffset).AppendInt(message.offset);
    AppendKafkaTimestamp(message.timestamp_ms, &batch_.column(kBronzeKafkaTimestamp));
    batch_.column(kBronzeIngestedAt).AppendInt(now);
    kafka::MessageHeaders(message, &header_views_);
    if (header_views_.empty()) {
      batch_.column(kBronzeHeaders).AppendNull();
    } else {
      headers_json_.clear();
      AppendHeadersJson(header_views_, &headers_json_);
      batch_.column(kBronzeHeaders).AppendString(headers_json_);
    }
    batch_first_offsets_.try_emplace(message.partition, message.offset);
    pending_offsets_[message.partition] = message.offset + 1;
    batch_bytes_ += static_cast<int64_t>(message.value.size() + message.key.size());
    ++taken;
  }
  result.rows_in = taken;
  if (!reread_.empty()) JSM_RETURN_IF_ERROR(consumer_->Seek(reread_));
  const bool full = batch_.num_rows() >= static_cast<size_t>(options_.ingest_commit_messages);
  const bool due = batch_.num_rows() > 0 &&
                   (MonotonicSeconds() - batch_started_) * 1000 >= static_cast<double>(options_.ingest_commit_interval_ms);
  if (full || due) {
    JSM_ASSIGN_OR_RETURN(result.committed, CommitBatch());
  }
  return result;
}

Result<bool> IngestStage::CommitBatch() {
  if (batch_.num_rows() == 0) return false;
  const double started = MonotonicSeconds();
  std::vector<delta::Action> actions;
  std::string ranges;
  std::string source_range = options_.topic;
  const int64_t now_ms = NowMillis();
  for (const auto& [partition, next] : pending_offsets_) {
    auto committed = next_offsets_.find(partition);
    const int64_t from = committed == next_offsets_.end() ? -1 : committed->second;
    if (from == next) continue;
    // Exactly once: the batch continues bronze's txn of this partition, or another
    // writer got there first (then the batch is dropped, below).
    const int64_t in_bronze = BronzeNext(partition);
    if (in_bronze != from) {
      Log().warn(
          R"("bronze already holds other rows of this partition: batch dropped","stage":"ingest","topic":"{}","partition":{},"batch_from":{},"bronze_next":{})",
          options_.topic, partition, from, in_bronze);
      JSM_RETURN_IF_ERROR(ResyncFromBronze());
      return false;
    }
    actions.push_back(delta::Txn{AppId(cluster_id_, options_.topic, partition), next - 1, now_ms});
    // The first offset the batch took (a batch starting at the log's beginning has no
    // committed position, and offsets may jump over compacted records or transaction markers).
    auto taken = batch_first_offsets_.find(partition);
    const int64_t first = taken != batch_first_offsets_.end() ? taken->second : from;
    ranges += fmt::format(R"({}{{"partition":{},"first":{},"last":{}}})", ranges.empty() ? "" : ",", partition,
                          first, next - 1);
    source_range += " " + std::to_string(partition) + ":" + std::to_string(first) + "-" + std::to_string(next - 1);
  }
  JSM_ASSIGN_OR_RETURN(delta::AddFile add, bronze_->WriteDataFile(batch_, options_.parquet));
  const double written = MonotonicSeconds();
  actions.insert(actions.begin(), std::move(add));
  delta::CommitInfo info;
  info.operation = "STREAMING UPDATE";
  info.operation_parameters["outputMode"] = "Append";
  info.operation_parameters["source"] = "kafka:" + options_.topic;
  info.operation_metrics["numOutputRows"] = std::to_string(batch_.num_rows());
  info.engine_info = "jsm-pipeline/" JSM_VERSION;
  auto committed_version = bronze_->Commit(std::move(actions), std::move(info));
  if (!committed_version && committed_version.error().code() == ErrorCode::kConflict) {
    // A concurrent commit recorded a txn of one of our partitions (a former owner
    // that had not yet noticed it lost the partition, or our own commit whose
    // outcome was unknown): ours is refused, nothing is written twice.
    Log().warn(R"("bronze commit refused, re-reading bronze","stage":"ingest","topic":"{}","error":{})",
               options_.topic, kafka::JsonQuoted(committed_version.error().message()));
    JSM_RETURN_IF_ERROR(ResyncFromBronze());
    return false;
  }
  if (!committed_version) return std::unexpected(committed_version.error());
  const int64_t version = *committed_version;
  const int64_t rows = static_cast<int64_t>(batch_.num_rows());
  ++batch_id_;
  BatchEvent event;
  event.stage = "ingest";
  event.target_table = kBronzeTable;
  event.target_version = version;
  event.source_range = source_range;
  event.rows_in = event.rows_out = rows;
  event.commit_conflicts = bronze_->last_commit_conflicts();
  event.duration_ms = static_cast<int64_t>((MonotonicSeconds() - started) * 1000);
  const Column& timestamps = batch_.column(kBronzeKafkaTimestamp);
  kafka_timestamps_ms_.clear();
  for (size_t row = 0; row < timestamps.size(); ++row) {
    if (timestamps.IsValid(row)) kafka_timestamps_ms_.push_back(timestamps.IntAt(row) / 1000);
  }
  FillLatency(&kafka_timestamps_ms_, NowMillis(), &event);
  next_offsets_ = pending_offsets_;
  committed_rows_ += rows;
  if (committed_total_ != nullptr) *committed_total_ += rows;
  const double done = MonotonicSeconds();
  Log().info(
      R"("bronze commit","stage":"ingest","topic":"{}","batch_id":{},"version":{},"rows":{},"bytes":{},"offsets":[{}],"batch_age_ms":{},"write_ms":{},"commit_ms":{},"seconds":{:.3f})",
      options_.topic, batch_id_, version, rows, batch_bytes_, ranges,
      static_cast<int64_t>((started - batch_started_) * 1000), static_cast<int64_t>((written - started) * 1000),
      static_cast<int64_t>((done - written) * 1000), done - started);
  batch_.Clear();
  batch_first_offsets_.clear();
  batch_bytes_ = 0;
  if (auto logged = event_log_->Append(event); !logged) {
    Log().warn(R"("event log append failed","stage":"ingest","error":{})", kafka::JsonQuoted(logged.error().ToString()));
  }
  // Group offsets follow the Delta commit, only so lag tools see progress.
  auto commit_status = consumer_->CommitOffsets(next_offsets_);
  if (!commit_status) Log().warn(R"("group offset commit failed","stage":"ingest","error":{})", kafka::JsonQuoted(commit_status.error().message()));
  return true;
}

Status IngestStage::Flush() {
  JSM_ASSIGN_OR_RETURN(const bool committed, CommitBatch());
  (void)committed;
  return Status::Ok();
}

Status IngestStage::MarkTarget() {
  target_offsets_.clear();
  JSM_ASSIGN_OR_RETURN(partitions_, consumer_->PartitionCount(options_.topic));
  for (int32_t p = 0; p < partitions_; ++p) {
    JSM_ASSIGN_OR_RETURN(kafka::Watermarks marks, consumer_->QueryWatermarks(options_.topic, p));
    // A partition that is empty (or emptied by retention) has nothing to read.
    if (marks.high > marks.low) target_offsets_[p] = marks.high;
  }
  own_target_committed_ = false;
  return Status::Ok();
}

Result<bool> IngestStage::ReachedTarget() {
  const std::set<int32_t>& owned = consumer_->owned_partitions();
  for (const auto& [partition, high] : target_offsets_) {
    if (!owned.contains(partition)) continue;
    auto it = pending_offsets_.find(partition);
    if (it == pending_offsets_.end() || it->second < high) return false;
  }
  if (!own_target_committed_) {
    // Everything up to the target is read: commit it now rather than when the batch
    // is due, then look again (a commit can be refused and the batch re-read).
    JSM_ASSIGN_OR_RETURN(const bool committed, CommitBatch());
    (void)committed;
    own_target_committed_ = true;
    return false;
  }
  if (assignment_ == IngestAssignment::kExplicit) return true;
  // Group: done when bronze holds every partition up to its target, whoever read it.
  if (MonotonicSeconds() - last_bronze_check_ < kBronzeCheckSeconds) return false;
  last_bronze_check_ = MonotonicSeconds();
  JSM_ASSIGN_OR_RETURN(const bool moved, bronze_->Refresh());
  (void)moved;
  for (const auto& [partition, high] : target_offsets_) {
    if (owned.contains(partition)) continue;
    if (BronzeNext(partition) < high) return false;
  }
  return true;
}

}  // namespace jsm::pipeline
