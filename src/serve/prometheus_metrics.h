#pragma once
/// `/metrics`: the pipeline's figures in the Prometheus text exposition format
/// (version 0.0.4), from `_system/event_log` (per stage: batches, events in and
/// out, quarantined rows, dead letters, duplicates, batch duration and
/// produce-to-visible latency histograms, last batch time; per expectation:
/// passed and failed rows) and from the Delta snapshots of every table (version,
/// files, rows, txn versions).

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "delta/table.h"
#include "storage/object_store.h"

namespace jsm::serve {

/// Bucket upper bounds, in seconds, of the histograms.
const std::vector<double>& HistogramBounds();

/// Renders /metrics; remembers the totals of event log files already read
/// (they are immutable), so a scrape reads only the new files. Thread-safe.
class MetricsCollector {
 public:
  /// `store` must outlive the collector.
  explicit MetricsCollector(storage::ObjectStore* store) : store_(store) {}

  /// The exposition text.
  Result<std::string> Render();

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
  };
  static Result<FileTotals> ReadEventLogFile(const delta::DeltaTable& log, const std::string& path);

  storage::ObjectStore* store_;
  std::mutex mutex_;
  std::map<std::string, FileTotals> files_;  ///< event log data file -> its totals
};

/// Escapes a label value (backslash, double quote, newline).
std::string EscapeLabel(std::string_view value);

}  // namespace jsm::serve
