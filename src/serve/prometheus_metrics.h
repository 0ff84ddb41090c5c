#pragma once
/// `/metrics`: the pipeline's figures in the Prometheus text exposition format
/// (version 0.0.4), from `_system/event_log` (per stage: batches, events in and
/// out, quarantined rows, dead letters, duplicates, batch duration and
/// produce-to-visible latency histograms, last batch time; per expectation:
/// passed and failed rows; per stage and table: commit conflicts), from the Delta
/// snapshots of every table (version, files, rows, txn versions) and, given a
/// LagMonitor, the consumer lag of each partition of the order topic.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "delta/table.h"
#include "pipeline/stage_health.h"
#include "serve/consumer_lag.h"
#include "storage/object_store.h"

namespace jsm::serve {

/// Bucket upper bounds, in seconds, of the histograms.
const std::vector<double>& HistogramBounds();

/// Renders /metrics; remembers the totals of event log files already read
/// (they are immutable), so a scrape reads only the new files. Thread-safe.
class MetricsCollector {
 public:
  /// `store` (and `lag`, when given) must outlive the collector.
  /// `lag` and `health` (the stages of this process's `jsm run`) may be null; both must outlive the collector.
  explicit MetricsCollector(storage::ObjectStore* store, const LagMonitor* lag = nullptr,
                            const pipeline::StageHealth* health = nullptr)
      : store_(store), lag_(lag), health_(health) {}

  /// The exposition text.
  Result<std::string> Render();
  /// Commit conflicts per (stage, table), summed over the event log.
  Result<std::map<std::pair<std::string, std::string>, int64_t>> CommitConflicts();

 private:
  struct Histogram {
    std::vector<int64_t> counts;  ///< per bucket, not cumulative; the last is +Inf
    int64_t count = 0;
    double sum = 0;
    void Observe(double seconds);
    void Merge(const Histogram& other);
  };
  struct StageTotals {
    int64_t batches = 0, rows_in = 0, rows_out = 0, quarantined = 0, dead_letters = 0, duplicates = 0;
    int64_t last_logged_us = 0;
    Histogram duration, latency;
    void Merge(const StageTotals& other);
  };
  struct ExpectationTotals {
    std::string action;
    int64_t passed = 0, failed = 0;
  };
  struct FileTotals {
    std::map<std::string, StageTotals> stages;
    std::map<std::string, ExpectationTotals> expectations;
    std::map<std::pair<std::string, std::string>, int64_t> commit_conflicts;  ///< (stage, table) -> conflicts
  };
  /// Reads the event log files not read yet into files_ (call with mutex_ held).
  Status RefreshFiles();
  static Result<FileTotals> ReadEventLogFile(const delta::DeltaTable& log, const std::string& path);

  storage::ObjectStore* store_;
  const LagMonitor* lag_;
  const pipeline::StageHealth* health_;
  std::mutex mutex_;
  std::map<std::string, FileTotals> files_;  ///< event log data file -> its totals
};

/// Appends the consumer lag series of `report` (none when it is not configured):
/// jsm_kafka_up, and per partition jsm_consumer_lag, jsm_partition_high_watermark,
/// jsm_bronze_offset and jsm_consumer_group_offset.
void RenderLagMetrics(const LagReport& report, std::string* out);

/// jsm_stage_failing, jsm_stage_failing_seconds and jsm_stage_failed_attempts per stage of
/// this process's run (docs/faults.md).
void RenderStageHealthMetrics(const std::vector<pipeline::StageHealthEntry>& stages, double now_unix, std::string* out);

/// Appends jsm_commit_conflicts_total{stage,table} from (stage, table) -> conflicts.
void RenderCommitConflicts(const std::map<std::pair<std::string, std::string>, int64_t>& conflicts, std::string* out);

/// Escapes a label value (backslash, double quote, newline).
std::string EscapeLabel(std::string_view value);

}  // namespace jsm::serve
