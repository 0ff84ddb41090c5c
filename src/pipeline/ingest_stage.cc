#include "pipeline/ingest_stage.h"

#include "common/clock.h"
#include "common/logging.h"
#include "pipeline/table_schemas.h"

namespace jsm::pipeline {

std::string IngestStage::AppId(const std::string& cluster_id, const std::string& topic, int32_t partition) {
  return "jsm-ingest/" + cluster_id + "/" + topic + "/" + std::to_string(partition);
}

Result<std::unique_ptr<IngestStage>> IngestStage::Create(storage::ObjectStore* store, const PipelineOptions& options,
                                                         const kafka::ClientConfig& client, std::string source_id) {
  std::unique_ptr<IngestStage> stage(new IngestStage());
  stage->options_ = options;
  JSM_ASSIGN_OR_RETURN(stage->bronze_,
                       delta::DeltaTable::OpenOrCreate(store, kBronzeTable, "pedidos_bronze", BronzeSchema()));
  JSM_ASSIGN_OR_RETURN(stage->consumer_, kafka::Consumer::Create(client, options.group_id + "-ingest"));
  if (source_id.empty()) {
    JSM_ASSIGN_OR_RETURN(stage->cluster_id_, stage->consumer_->ClusterId());
  } else {
    stage->cluster_id_ = std::move(source_id);
  }
  JSM_ASSIGN_OR_RETURN(stage->partitions_, stage->consumer_->PartitionCount(options.topic));
  for (int32_t p = 0; p < stage->partitions_; ++p) {
    int64_t last = stage->bronze_->AppVersion(AppId(stage->cluster_id_, options.topic, p));
    if (last >= 0) stage->next_offsets_[p] = last + 1;
  }
  stage->pending_offsets_ = stage->next_offsets_;
  JSM_RETURN_IF_ERROR(stage->consumer_->AssignAll(options.topic, stage->next_offsets_));
  stage->batch_ = RecordBatch(BronzeSchema());
  JSM_ASSIGN_OR_RETURN(stage->event_log_, EventLog::Open(store, options));
  Log().info(R"("ingest resumes","cluster":"{}","topic":"{}","partitions":{},"bronze_version":{},"resumed_partitions":{})",
             stage->cluster_id_, options.topic, stage->partitions_, stage->bronze_->version(),
             stage->next_offsets_.size());
  return stage;
}

Result<StepResult> IngestStage::Step() {
  StepResult result;
  const size_t room = static_cast<size_t>(options_.ingest_commit_messages) - batch_.num_rows();
  JSM_RETURN_IF_ERROR(consumer_->Poll(room, 50, &messages_));
  if (!messages_.empty() && batch_.num_rows() == 0) batch_started_ = MonotonicSeconds();
  const int64_t now = NowMicros();
  for (const kafka::Message& message : messages_) {
    batch_.column(kBronzeValue).AppendString(message.value);
    if (message.has_key) batch_.column(kBronzeKey).AppendString(message.key);
    else batch_.column(kBronzeKey).AppendNull();
    batch_.column(kBronzeTopic).AppendString(options_.topic);
    batch_.column(kBronzePartition).AppendInt(message.partition);
    batch_.column(kBronzeOffset).AppendInt(message.offset);
    if (message.timestamp_ms >= 0) batch_.column(kBronzeKafkaTimestamp).AppendInt(message.timestamp_ms * 1000);
    else batch_.column(kBronzeKafkaTimestamp).AppendNull();
    batch_.column(kBronzeIngestedAt).AppendInt(now);
    pending_offsets_[message.partition] = message.offset + 1;
  }
  result.rows_in = static_cast<int64_t>(messages_.size());
  const bool full = batch_.num_rows() >= static_cast<size_t>(options_.ingest_commit_messages);
  const bool due = batch_.num_rows() > 0 &&
                   (MonotonicSeconds() - batch_started_) * 1000 >= static_cast<double>(options_.ingest_commit_interval_ms);
  if (full || due) {
    JSM_RETURN_IF_ERROR(CommitBatch());
    result.committed = true;
  }
  return result;
}

Status IngestStage::CommitBatch() {
  if (batch_.num_rows() == 0) return Status::Ok();
  const double started = MonotonicSeconds();
  JSM_ASSIGN_OR_RETURN(delta::AddFile add, bronze_->WriteDataFile(batch_, options_.parquet));
  std::vector<delta::Action> actions;
  actions.push_back(std::move(add));
  const int64_t now_ms = NowMillis();
  for (const auto& [partition, next] : pending_offsets_) {
    auto committed = next_offsets_.find(partition);
    if (committed != next_offsets_.end() && committed->second == next) continue;
    actions.push_back(delta::Txn{AppId(cluster_id_, options_.topic, partition), next - 1, now_ms});
  }
  delta::CommitInfo info;
  info.operation = "STREAMING UPDATE";
  info.operation_parameters["outputMode"] = "Append";
  info.operation_parameters["source"] = "kafka:" + options_.topic;
  info.operation_metrics["numOutputRows"] = std::to_string(batch_.num_rows());
  info.engine_info = "jsm-pipeline/" JSM_VERSION;
  JSM_ASSIGN_OR_RETURN(int64_t version, bronze_->Commit(std::move(actions), std::move(info)));
  const int64_t rows = static_cast<int64_t>(batch_.num_rows());
  BatchEvent event;
  event.stage = "ingest";
  event.target_table = kBronzeTable;
  event.target_version = version;
  event.source_range = options_.topic;
  for (const auto& [partition, next] : pending_offsets_) {
    auto before = next_offsets_.find(partition);
    const int64_t first = before == next_offsets_.end() ? 0 : before->second;
    if (first == next) continue;
    event.source_range += " " + std::to_string(partition) + ":" + std::to_string(first) + "-" + std::to_string(next - 1);
  }
  event.rows_in = event.rows_out = rows;
  event.duration_ms = static_cast<int64_t>((MonotonicSeconds() - started) * 1000);
  const Column& timestamps = batch_.column(kBronzeKafkaTimestamp);
  kafka_timestamps_ms_.clear();
  for (size_t row = 0; row < timestamps.size(); ++row) {
    if (timestamps.IsValid(row)) kafka_timestamps_ms_.push_back(timestamps.IntAt(row) / 1000);
  }
  FillLatency(&kafka_timestamps_ms_, NowMillis(), &event);
  next_offsets_ = pending_offsets_;
  committed_rows_ += rows;
  batch_.Clear();
  Log().info(R"("bronze commit","stage":"ingest","version":{},"rows":{},"seconds":{:.3f})", version, rows,
             MonotonicSeconds() - started);
  if (auto logged = event_log_->Append(event); !logged) {
    Log().warn(R"("event log append failed","stage":"ingest","error":"{}")", logged.error().ToString());
  }
  // Group offsets follow the Delta commit, only so lag tools see progress.
  auto commit_status = consumer_->CommitOffsets(next_offsets_);
  if (!commit_status) Log().warn(R"("group offset commit failed","error":"{}")", commit_status.error().message());
  return Status::Ok();
}

Status IngestStage::Flush() { return CommitBatch(); }

Status IngestStage::MarkTarget() {
  target_offsets_.clear();
  for (int32_t p = 0; p < partitions_; ++p) {
    JSM_ASSIGN_OR_RETURN(kafka::Watermarks marks, consumer_->QueryWatermarks(options_.topic, p));
    target_offsets_[p] = marks.high;
  }
  return Status::Ok();
}

Result<bool> IngestStage::ReachedTarget() {
  for (const auto& [partition, high] : target_offsets_) {
    auto it = pending_offsets_.find(partition);
    int64_t next = it == pending_offsets_.end() ? 0 : it->second;
    if (next < high) {
      // A partition that was empty from its start has nothing to read even at offset 0.
      if (it == pending_offsets_.end()) {
        JSM_ASSIGN_OR_RETURN(kafka::Watermarks marks, consumer_->QueryWatermarks(options_.topic, partition));
        if (marks.low >= high) continue;
      }
      return false;
    }
  }
  // Everything up to the target is read: commit it now rather than when the batch is due.
  JSM_RETURN_IF_ERROR(CommitBatch());
  return true;
}

}  // namespace jsm::pipeline
