#include "serve/prometheus_metrics.h"

#include <algorithm>
#include <charconv>

#include "common/clock.h"
#include "delta/table.h"
#include "pipeline/event_log.h"
#include "serve/table_catalog.h"

namespace jsm::serve {
namespace {

void Header(std::string* out, const char* name, const char* type, const char* help) {
  *out += "# HELP ";
  *out += name;
  *out += ' ';
  *out += help;
  *out += "\n# TYPE ";
  *out += name;
  *out += ' ';
  *out += type;
  *out += '\n';
}

/// The shortest text that reads back as `value` (0.05, not 0.050000000000000003).
std::string Number(double value) {
  char buffer[32];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, end);
}

void Sample(std::string* out, const std::string& name, const std::string& labels, const std::string& value) {
  *out += name;
  if (!labels.empty()) *out += "{" + labels + "}";
  *out += ' ';
  *out += value;
  *out += '\n';
}

}  // namespace

const std::vector<double>& HistogramBounds() {
  static const std::vector<double> bounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};
  return bounds;
}

std::string EscapeLabel(std::string_view value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

void MetricsCollector::Histogram::Observe(double seconds) {
  const std::vector<double>& bounds = HistogramBounds();
  if (counts.empty()) counts.assign(bounds.size() + 1, 0);
  const size_t bucket = std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin();
  counts[bucket]++;
  count++;
  sum += seconds;
}

void MetricsCollector::Histogram::Merge(const Histogram& other) {
  if (other.counts.empty()) return;
  if (counts.empty()) counts.assign(other.counts.size(), 0);
  for (size_t i = 0; i < counts.size(); ++i) counts[i] += other.counts[i];
  count += other.count;
  sum += other.sum;
}

void MetricsCollector::StageTotals::Merge(const StageTotals& other) {
  batches += other.batches;
  rows_in += other.rows_in;
  rows_out += other.rows_out;
  quarantined += other.quarantined;
  dead_letters += other.dead_letters;
  duplicates += other.duplicates;
  last_logged_us = std::max(last_logged_us, other.last_logged_us);
  duration.Merge(other.duration);
  latency.Merge(other.latency);
}

void RenderCommitConflicts(const std::map<std::pair<std::string, std::string>, int64_t>& conflicts, std::string* out) {
  Header(out, "jsm_commit_conflicts_total", "counter",
         "Delta commits that found their version taken by another writer and retried (event log commit_conflicts).");
  for (const auto& [key, count] : conflicts) {
    Sample(out, "jsm_commit_conflicts_total",
           "stage=\"" + EscapeLabel(key.first) + "\",table=\"" + EscapeLabel(key.second) + "\"", std::to_string(count));
  }
}

void RenderLagMetrics(const LagReport& report, std::string* out) {
  if (!report.configured) return;
  Header(out, "jsm_kafka_up", "gauge", "1 if the latest watermark query reached the Kafka brokers, else 0.");
  Sample(out, "jsm_kafka_up", "", report.kafka_up ? "1" : "0");
  if (!report.kafka_up) return;
  const std::string topic = "topic=\"" + EscapeLabel(report.topic) + "\",partition=\"";
  std::string lag, high, bronze, group;
  for (const PartitionLag& p : report.partitions) {
    const std::string label = topic + std::to_string(p.partition) + "\"";
    Sample(&lag, "jsm_consumer_lag", label, std::to_string(p.lag()));
    Sample(&high, "jsm_partition_high_watermark", label, std::to_string(p.high_watermark));
    if (p.bronze_offset >= 0) Sample(&bronze, "jsm_bronze_offset", label, std::to_string(p.bronze_offset));
    if (p.group_offset) {
      Sample(&group, "jsm_consumer_group_offset", label + ",group=\"" + EscapeLabel(report.group) + "\"",
             std::to_string(*p.group_offset));
    }
  }
  Header(out, "jsm_consumer_lag", "gauge",
         "Messages of each partition of the order topic not yet in bronze: high watermark minus bronze's next offset.");
  *out += lag;
  Header(out, "jsm_partition_high_watermark", "gauge", "The broker's high watermark (next offset to be written) of each partition.");
  *out += high;
  Header(out, "jsm_bronze_offset", "gauge", "Next offset of each partition bronze will ingest (its txn + 1; exactly once).");
  *out += bronze;
  Header(out, "jsm_consumer_group_offset", "gauge",
         "The ingest consumer group's committed offset of each partition (committed after bronze, for lag tools).");
  *out += group;
}

void RenderStageHealthMetrics(const std::vector<pipeline::StageHealthEntry>& stages, double now_unix, std::string* out) {
  Header(out, "jsm_stage_failing", "gauge", "1 while a stage of this run keeps failing (retrying, or rebuilding a dead Kafka client), else 0.");
  for (const auto& entry : stages) {
    Sample(out, "jsm_stage_failing", "stage=\"" + EscapeLabel(entry.stage) + "\"", entry.failing ? "1" : "0");
  }
  Header(out, "jsm_stage_failing_seconds", "gauge", "How long a stage of this run has been failing without progress (0 when healthy).");
  for (const auto& entry : stages) {
    const double seconds = entry.failing ? std::max(0.0, now_unix - entry.failing_since_unix) : 0.0;
    Sample(out, "jsm_stage_failing_seconds", "stage=\"" + EscapeLabel(entry.stage) + "\"", Number(seconds));
  }
  Header(out, "jsm_stage_failed_attempts", "gauge", "Failed attempts of a stage of this run since it last made progress.");
  for (const auto& entry : stages) {
    Sample(out, "jsm_stage_failed_attempts", "stage=\"" + EscapeLabel(entry.stage) + "\"", std::to_string(entry.attempts));
  }
}

Result<MetricsCollector::FileTotals> MetricsCollector::ReadEventLogFile(const delta::DeltaTable& log,
                                                                      const std::string& path) {
  std::vector<std::string> columns = {"logged_at", "stage", "rows_in", "rows_out", "quarantined",
                                      "dead_letters", "duplicates", "latency_max_ms", "duration_ms",
                                      "expectation", "action", "passed", "failed", "target_table"};
  // An event log written before the column existed (and not evolved yet) has no conflicts to read.
  const bool has_conflicts = log.schema().FieldIndex(pipeline::kCommitConflictsColumn) >= 0;
  if (has_conflicts) columns.emplace_back(pipeline::kCommitConflictsColumn);
  JSM_ASSIGN_OR_RETURN(RecordBatch rows, log.ReadDataFile(path, columns));
  FileTotals totals;
  auto value = [&](size_t column, size_t row) { return rows.column(column).IsNull(row) ? 0 : rows.column(column).IntAt(row); };
  for (size_t r = 0; r < rows.num_rows(); ++r) {
    if (rows.column(9).IsValid(r)) {  // an expectation row
      ExpectationTotals& e = totals.expectations[std::string(rows.column(9).StringAt(r))];
      if (rows.column(10).IsValid(r)) e.action = std::string(rows.column(10).StringAt(r));
      e.passed += value(11, r);
      e.failed += value(12, r);
      continue;
    }
    StageTotals& s = totals.stages[std::string(rows.column(1).StringAt(r))];
    s.batches++;
    s.rows_in += value(2, r);
    s.rows_out += value(3, r);
    s.quarantined += value(4, r);
    s.dead_letters += value(5, r);
    s.duplicates += value(6, r);
    s.last_logged_us = std::max(s.last_logged_us, rows.column(0).IntAt(r));
    if (rows.column(7).IsValid(r)) s.latency.Observe(static_cast<double>(rows.column(7).IntAt(r)) / 1000.0);
    if (rows.column(8).IsValid(r)) s.duration.Observe(static_cast<double>(rows.column(8).IntAt(r)) / 1000.0);
    if (has_conflicts && rows.column(14).IsValid(r)) {
      totals.commit_conflicts[{std::string(rows.column(1).StringAt(r)), std::string(rows.column(13).StringAt(r))}] +=
          rows.column(14).IntAt(r);
    }
  }
  return totals;
}

Status MetricsCollector::RefreshFiles() {
  auto log = delta::DeltaTable::Open(store_, pipeline::kEventLogTable);
  if (!log && log.error().code() != ErrorCode::kNotFound) return std::unexpected(log.error());
  if (!log) {
    files_.clear();
    return Status::Ok();
  }
  std::map<std::string, FileTotals> current;
  for (const auto& [path, add] : (*log)->snapshot().files) {
    auto cached = files_.find(path);
    if (cached != files_.end()) {
      current.emplace(path, std::move(cached->second));  // on a failed read below, only the cache is lost
      continue;
    }
    JSM_ASSIGN_OR_RETURN(FileTotals totals, ReadEventLogFile(**log, path));
    current.emplace(path, std::move(totals));
  }
  files_ = std::move(current);  // files compacted away are forgotten
  return Status::Ok();
}

Result<std::map<std::pair<std::string, std::string>, int64_t>> MetricsCollector::CommitConflicts() {
  std::lock_guard lock(mutex_);
  JSM_RETURN_IF_ERROR(RefreshFiles());
  std::map<std::pair<std::string, std::string>, int64_t> conflicts;
  for (const auto& [path, totals] : files_) {
    for (const auto& [key, count] : totals.commit_conflicts) conflicts[key] += count;
  }
  return conflicts;
}

Result<std::string> MetricsCollector::Render() {
  std::lock_guard lock(mutex_);
  // Event log: totals per stage and expectation, summed over its files.
  std::map<std::string, StageTotals> stages;
  std::map<std::string, ExpectationTotals> expectations;
  std::map<std::pair<std::string, std::string>, int64_t> conflicts;
  JSM_RETURN_IF_ERROR(RefreshFiles());
  {
    for (const auto& [path, totals] : files_) {
      for (const auto& [stage, s] : totals.stages) stages[stage].Merge(s);
      for (const auto& [name, e] : totals.expectations) {
        ExpectationTotals& sum = expectations[name];
        if (!e.action.empty()) sum.action = e.action;
        sum.passed += e.passed;
        sum.failed += e.failed;
      }
      for (const auto& [key, count] : totals.commit_conflicts) conflicts[key] += count;
    }
  }
  std::string out;
  Header(&out, "jsm_build_info", "gauge", "The jsm version serving these metrics.");
  Sample(&out, "jsm_build_info", "version=\"" JSM_VERSION "\"", "1");
  struct Counter {
    const char* name;
    const char* help;
    int64_t StageTotals::*field;
  };
  const Counter counters[] = {
      {"jsm_stage_batches_total", "Batches committed per stage (event log).", &StageTotals::batches},
      {"jsm_stage_events_in_total", "Events read per stage (event log rows_in).", &StageTotals::rows_in},
      {"jsm_stage_events_out_total", "Rows written per stage (event log rows_out).", &StageTotals::rows_out},
      {"jsm_stage_quarantined_total", "Rows quarantined per stage.", &StageTotals::quarantined},
      {"jsm_stage_dead_letters_total", "Messages sent to the dead-letter topic per stage.", &StageTotals::dead_letters},
      {"jsm_stage_duplicates_total", "Duplicate rows removed per stage.", &StageTotals::duplicates},
  };
  for (const Counter& counter : counters) {
    Header(&out, counter.name, "counter", counter.help);
    for (const auto& [stage, s] : stages) {
      Sample(&out, counter.name, "stage=\"" + EscapeLabel(stage) + "\"", std::to_string(s.*(counter.field)));
    }
  }
  Header(&out, "jsm_stage_last_batch_timestamp_seconds", "gauge", "When each stage last logged a batch (Unix time).");
  for (const auto& [stage, s] : stages) {
    Sample(&out, "jsm_stage_last_batch_timestamp_seconds", "stage=\"" + EscapeLabel(stage) + "\"",
           Number(static_cast<double>(s.last_logged_us) / 1e6));
  }
  struct HistogramMetric {
    const char* name;
    const char* help;
    Histogram StageTotals::*field;
  };
  const HistogramMetric histograms[] = {
      {"jsm_batch_duration_seconds", "Time a stage batch took, per stage.", &StageTotals::duration},
      {"jsm_produce_to_visible_seconds", "Per batch, the longest time from the Kafka timestamp to the commit that made the row visible.",
       &StageTotals::latency},
  };
  for (const HistogramMetric& metric : histograms) {
    Header(&out, metric.name, "histogram", metric.help);
    const std::string name = metric.name;
    for (const auto& [stage, s] : stages) {
      const Histogram& h = s.*(metric.field);
      const std::string label = "stage=\"" + EscapeLabel(stage) + "\"";
      int64_t cumulative = 0;
      for (size_t i = 0; i < HistogramBounds().size(); ++i) {
        cumulative += h.counts.empty() ? 0 : h.counts[i];
        Sample(&out, name + "_bucket", label + ",le=\"" + Number(HistogramBounds()[i]) + "\"", std::to_string(cumulative));
      }
      Sample(&out, name + "_bucket", label + ",le=\"+Inf\"", std::to_string(h.count));
      Sample(&out, name + "_sum", label, Number(h.sum));
      Sample(&out, name + "_count", label, std::to_string(h.count));
    }
  }
  Header(&out, "jsm_expectation_passed_total", "counter", "Rows that passed each expectation (event log).");
  for (const auto& [name, e] : expectations) {
    Sample(&out, "jsm_expectation_passed_total",
           "expectation=\"" + EscapeLabel(name) + "\",action=\"" + EscapeLabel(e.action) + "\"", std::to_string(e.passed));
  }
  Header(&out, "jsm_expectation_failed_total", "counter", "Rows that failed each expectation (event log).");
  for (const auto& [name, e] : expectations) {
    Sample(&out, "jsm_expectation_failed_total",
           "expectation=\"" + EscapeLabel(name) + "\",action=\"" + EscapeLabel(e.action) + "\"", std::to_string(e.failed));
  }
  RenderCommitConflicts(conflicts, &out);
  if (lag_ != nullptr) RenderLagMetrics(lag_->Report(), &out);
  if (health_ != nullptr) RenderStageHealthMetrics(health_->Snapshot(), static_cast<double>(NowMicros()) / 1e6, &out);
  // Delta snapshots of every table.
  JSM_ASSIGN_OR_RETURN(std::vector<TableRef> tables, ListTables(store_));
  std::string versions, files, rows, txns;
  for (const TableRef& ref : tables) {
    auto table = delta::DeltaTable::Open(store_, ref.path());
    if (!table) continue;  // being created, or not a readable table: leave it out of this scrape
    const delta::Snapshot& snapshot = (*table)->snapshot();
    const std::string label = "table=\"" + EscapeLabel(ref.path()) + "\"";
    int64_t records = 0;
    for (const auto& [path, add] : snapshot.files) records += std::max<int64_t>(add.num_records, 0);
    Sample(&versions, "jsm_table_version", label, std::to_string(snapshot.version));
    Sample(&files, "jsm_table_files", label, std::to_string(snapshot.files.size()));
    Sample(&rows, "jsm_table_rows", label, std::to_string(records));
    for (const auto& [app, version] : snapshot.app_versions) {
      Sample(&txns, "jsm_table_txn_version", label + ",app=\"" + EscapeLabel(app) + "\"", std::to_string(version));
    }
  }
  Header(&out, "jsm_table_version", "gauge", "Latest Delta version of each table.");
  out += versions;
  Header(&out, "jsm_table_files", "gauge", "Active data files of each table.");
  out += files;
  Header(&out, "jsm_table_rows", "gauge", "Rows of each table (from the add actions' stats).");
  out += rows;
  Header(&out, "jsm_table_txn_version", "gauge", "Version recorded by each writer (txn appId) in each table: how far it has read its source.");
  out += txns;
  return out;
}

}  // namespace jsm::serve
