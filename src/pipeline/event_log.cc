#include "pipeline/event_log.h"

#include <algorithm>
#include <map>

#include "common/clock.h"
#include "delta/schema_evolution.h"

namespace jsm::pipeline {
namespace {

enum EventColumn {
  kLoggedAt, kStage, kBatchId, kTargetTable, kTargetVersion, kSourceRange, kRowsIn, kRowsOut, kQuarantined,
  kDeadLetters, kDuplicates, kLatencyP50, kLatencyMax, kSourceWatermark, kDurationMs, kExpectation, kAction,
  kPassed, kFailed, kCommitConflicts
};

void AppendOptional(Column& column, const std::optional<int64_t>& value) {
  if (value) column.AppendInt(*value);
  else column.AppendNull();
}

}  // namespace

const Schema& EventLogSchema() {
  static const Schema schema{{
      {"logged_at", DataType::kTimestamp, false},
      {"stage", DataType::kString, false},
      {"batch_id", DataType::kString, false},
      {"target_table", DataType::kString, false},
      {"target_version", DataType::kInt64, true},
      {"source_range", DataType::kString, true},
      {"rows_in", DataType::kInt64, true},
      {"rows_out", DataType::kInt64, true},
      {"quarantined", DataType::kInt64, true},
      {"dead_letters", DataType::kInt64, true},
      {"duplicates", DataType::kInt64, true},
      {"latency_p50_ms", DataType::kInt64, true},
      {"latency_max_ms", DataType::kInt64, true},
      {"source_watermark", DataType::kTimestamp, true},
      {"duration_ms", DataType::kInt64, true},
      {"expectation", DataType::kString, true},
      {"action", DataType::kString, true},
      {"passed", DataType::kInt64, true},
      {"failed", DataType::kInt64, true},
      {kCommitConflictsColumn, DataType::kInt64, true},
  }};
  return schema;
}

void FillLatency(std::vector<int64_t>* timestamps_ms, int64_t visible_ms, BatchEvent* event) {
  if (timestamps_ms->empty()) return;
  auto middle = timestamps_ms->begin() + static_cast<std::ptrdiff_t>(timestamps_ms->size() / 2);
  std::nth_element(timestamps_ms->begin(), middle, timestamps_ms->end());
  const int64_t oldest = *std::min_element(timestamps_ms->begin(), timestamps_ms->end());
  const int64_t newest = *std::max_element(timestamps_ms->begin(), timestamps_ms->end());
  event->latency_p50_ms = std::max<int64_t>(0, visible_ms - *middle);
  event->latency_max_ms = std::max<int64_t>(0, visible_ms - oldest);
  event->source_watermark_us = newest * 1000;
}

Result<std::unique_ptr<delta::DeltaTable>> OpenEventLogTable(storage::ObjectStore* store) {
  auto existing = delta::DeltaTable::Open(store, kEventLogTable);
  if (!existing) {
    if (existing.error().code() != ErrorCode::kNotFound) return std::unexpected(existing.error());
    return delta::DeltaTable::OpenOrCreate(store, kEventLogTable, "event_log", EventLogSchema());
  }
  std::unique_ptr<delta::DeltaTable> table = std::move(*existing);
  // Schema evolution: the columns of EventLogSchema() the table lacks (a prefix of it is assumed).
  for (int attempt = 0; table->schema() != EventLogSchema(); ++attempt) {
    const std::vector<Field>& wanted = EventLogSchema().fields;
    const std::vector<Field>& have = table->schema().fields;
    if (have.size() >= wanted.size() || !std::equal(have.begin(), have.end(), wanted.begin())) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "table " + table->Location() + " is not an event log this version of jsm can write");
    }
    auto added = delta::AddColumns(table.get(), std::vector<Field>(wanted.begin() + static_cast<std::ptrdiff_t>(have.size()),
                                                                   wanted.end()));
    if (added) break;
    // Another stage evolving the same log at the same moment: read its result and look again.
    if (added.error().code() != ErrorCode::kConflict || attempt >= 10) return std::unexpected(added.error());
    JSM_RETURN_IF_ERROR(table->Refresh());
  }
  return table;
}

Result<std::unique_ptr<EventLog>> EventLog::Open(storage::ObjectStore* store, const PipelineOptions& options) {
  std::unique_ptr<EventLog> log(new EventLog());
  JSM_ASSIGN_OR_RETURN(log->table_, OpenEventLogTable(store));
  log->parquet_ = options.parquet;
  return log;
}

/// Refreshes of the event log one append may take after conflicts (each then retries past
/// every version it has read, CommitOptions::max_retries more).
constexpr int kMaxAppendRefreshes = 100;

Status EventLog::Append(const BatchEvent& event) {
  RecordBatch rows(EventLogSchema());
  const int64_t now = NowMicros();
  const std::string batch_id = event.stage + "-" + event.target_table + "@" + std::to_string(event.target_version);
  auto common = [&]() {
    rows.column(kLoggedAt).AppendInt(now);
    rows.column(kStage).AppendString(event.stage);
    rows.column(kBatchId).AppendString(batch_id);
    rows.column(kTargetTable).AppendString(event.target_table);
    AppendOptional(rows.column(kTargetVersion), event.target_version >= 0 ? std::optional(event.target_version)
                                                                            : std::nullopt);
    rows.column(kSourceRange).AppendString(event.source_range);
  };
  common();
  rows.column(kRowsIn).AppendInt(event.rows_in);
  rows.column(kRowsOut).AppendInt(event.rows_out);
  rows.column(kQuarantined).AppendInt(event.quarantined);
  rows.column(kDeadLetters).AppendInt(event.dead_letters);
  rows.column(kDuplicates).AppendInt(event.duplicates);
  AppendOptional(rows.column(kLatencyP50), event.latency_p50_ms);
  AppendOptional(rows.column(kLatencyMax), event.latency_max_ms);
  AppendOptional(rows.column(kSourceWatermark), event.source_watermark_us);
  rows.column(kDurationMs).AppendInt(event.duration_ms);
  for (int c : {kExpectation, kAction, kPassed, kFailed}) rows.column(static_cast<size_t>(c)).AppendNull();
  rows.column(kCommitConflicts).AppendInt(event.commit_conflicts);
  for (const ExpectationResult& result : event.expectations) {
    common();
    for (int c = kRowsIn; c <= kDurationMs; ++c) rows.column(static_cast<size_t>(c)).AppendNull();
    rows.column(kExpectation).AppendString(result.name);
    rows.column(kAction).AppendString(result.action);
    rows.column(kPassed).AppendInt(result.passed);
    rows.column(kFailed).AppendInt(result.failed);
    rows.column(kCommitConflicts).AppendNull();
  }
  JSM_ASSIGN_OR_RETURN(delta::AddFile add, table_->WriteDataFile(rows, parquet_));
  delta::CommitInfo info;
  info.operation = "WRITE";
  info.operation_parameters["mode"] = "Append";
  info.operation_parameters["batchId"] = batch_id;
  info.engine_info = "jsm-pipeline/" JSM_VERSION;
  // A blind append (it reads nothing), written by every stage: however far the other writers
  // have moved the log since this one last looked, it lands after a refresh. Bounded only
  // against a log that moves faster than we can read it.
  for (int refreshes = 0;; ++refreshes) {
    auto committed = table_->Commit({add}, info);
    if (committed) return Status::Ok();
    if (committed.error().code() != ErrorCode::kConflict || refreshes >= kMaxAppendRefreshes) {
      return std::unexpected(committed.error());
    }
    JSM_RETURN_IF_ERROR(table_->Refresh());
  }
}

Result<std::vector<ExpectationSummary>> SummarizeExpectations(storage::ObjectStore* store, int64_t since_us) {
  auto table = delta::DeltaTable::Open(store, kEventLogTable);
  if (!table) {
    if (table.error().code() == ErrorCode::kNotFound) return std::vector<ExpectationSummary>{};
    return std::unexpected(table.error());
  }
  std::map<std::string, ExpectationSummary> by_name;
  for (const auto& [path, add] : (*table)->snapshot().files) {
    JSM_ASSIGN_OR_RETURN(RecordBatch rows, (*table)->ReadDataFile(path, {"logged_at", "expectation", "action",
                                                                         "passed", "failed"}));
    for (size_t r = 0; r < rows.num_rows(); ++r) {
      if (rows.column(1).IsNull(r) || rows.column(0).IntAt(r) < since_us) continue;
      ExpectationSummary& summary = by_name[std::string(rows.column(1).StringAt(r))];
      summary.name = std::string(rows.column(1).StringAt(r));
      summary.action = std::string(rows.column(2).StringAt(r));
      summary.passed += rows.column(3).IntAt(r);
      summary.failed += rows.column(4).IntAt(r);
      if (rows.column(3).IntAt(r) + rows.column(4).IntAt(r) > 0) summary.batches++;
    }
  }
  std::vector<ExpectationSummary> out;
  for (auto& [name, summary] : by_name) out.push_back(std::move(summary));
  return out;
}

}  // namespace jsm::pipeline
