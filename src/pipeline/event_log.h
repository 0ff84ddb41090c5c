#pragma once
/// `_system/event_log`: one row per stage batch (rows in and out, duplicates,
/// dead letters, quarantined rows, produce-to-visible latency, source
/// watermark, duration, commit conflicts) and one row per expectation result of
/// that batch. Written by each stage right after its data commit, as a blind append.
/// `commit_conflicts` came later: an older event log gains it by schema evolution
/// (ADD COLUMNS) when a pipeline opens it, and its older rows read it as null.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "delta/table.h"
#include "pipeline/pipeline_options.h"

namespace jsm::pipeline {

inline constexpr const char* kEventLogTable = "_system/event_log";

/// Columns of the event log.
const Schema& EventLogSchema();

/// Column of the event log added after its first release (nullable; null in older rows).
inline constexpr const char* kCommitConflictsColumn = "commit_conflicts";

/// Opens the event log for writing, creating it if absent; an event log written
/// before `commit_conflicts` existed gains the column (one ADD COLUMNS commit).
Result<std::unique_ptr<delta::DeltaTable>> OpenEventLogTable(storage::ObjectStore* store);

/// Pass and fail counts of one expectation in one batch.
struct ExpectationResult {
  std::string name;
  std::string action;  ///< warn, drop or fail
  int64_t passed = 0;
  int64_t failed = 0;
};

/// What one stage batch did.
struct BatchEvent {
  std::string stage;
  std::string target_table;
  int64_t target_version = -1;
  std::string source_range;  ///< e.g. "bronze 3-5" or "pedidos 0:100-199,1:50-80"
  int64_t rows_in = 0;
  int64_t rows_out = 0;
  int64_t quarantined = 0;
  int64_t dead_letters = 0;
  int64_t duplicates = 0;
  std::optional<int64_t> latency_p50_ms;  ///< produce (Kafka timestamp) to visible (commit)
  std::optional<int64_t> latency_max_ms;
  std::optional<int64_t> source_watermark_us;  ///< newest Kafka timestamp in the batch
  int64_t duration_ms = 0;
  /// Versions found taken by another writer while committing this batch's data
  /// (DeltaTable::last_commit_conflicts, summed over the batch's commits).
  int64_t commit_conflicts = 0;
  std::vector<ExpectationResult> expectations;
};

/// Produce-to-visible latency figures from Kafka timestamps (ms) and the commit time.
/// `timestamps_ms` is reordered. Leaves the fields empty when there is no timestamp.
void FillLatency(std::vector<int64_t>* timestamps_ms, int64_t visible_ms, BatchEvent* event);

/// Appends batch events to the event log. One per thread.
class EventLog {
 public:
  static Result<std::unique_ptr<EventLog>> Open(storage::ObjectStore* store, const PipelineOptions& options);
  /// Appends one batch's rows (the batch row, then one per expectation).
  Status Append(const BatchEvent& event);

 private:
  EventLog() = default;
  std::unique_ptr<delta::DeltaTable> table_;
  parquet::WriterOptions parquet_;
};

/// Pass rates of each expectation over the event log rows logged at or after `since_us`.
struct ExpectationSummary {
  std::string name;
  std::string action;
  int64_t passed = 0;
  int64_t failed = 0;
  int64_t batches = 0;
  double pass_rate() const { return passed + failed == 0 ? 1.0 : static_cast<double>(passed) / (passed + failed); }
};

/// Reads `_system/event_log` and sums expectation results per expectation, by name.
Result<std::vector<ExpectationSummary>> SummarizeExpectations(storage::ObjectStore* store, int64_t since_us);

}  // namespace jsm::pipeline
