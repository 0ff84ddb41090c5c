#include "pipeline/aggregate_stage.h"

#include <thread>
#include <utility>

#include "common/clock.h"
#include "common/logging.h"
#include "delta/rewrite.h"
#include "delta/schema_json.h"
#include "pipeline/silver_table.h"
#include "pipeline/table_schemas.h"

namespace jsm::pipeline {
namespace {

/// "net_revenue decimal(18,2) -> decimal(28,2), ..." for the columns whose type changed or
/// that were added or dropped (column names of gold are snake_case, so this needs no escaping).
std::string SchemaChanges(const Schema& from, const Schema& to) {
  std::string out;
  auto add = [&](const std::string& change) { out += (out.empty() ? "" : ", ") + change; };
  for (const Field& field : to.fields) {
    const int old = from.FieldIndex(field.name);
    if (old < 0) {
      add(field.name + " added");
    } else if (const Field& before = from.fields[static_cast<size_t>(old)]; !(before == field)) {
      add(field.name + " " + delta::DeltaTypeName(before) + " -> " + delta::DeltaTypeName(field));
    }
  }
  for (const Field& field : from.fields) {
    if (to.FieldIndex(field.name) < 0) add(field.name + " dropped");
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<AggregateStage>> AggregateStage::Create(storage::ObjectStore* store,
                                                               const PipelineOptions& options) {
  std::unique_ptr<AggregateStage> stage(new AggregateStage());
  stage->options_ = options;
  JSM_ASSIGN_OR_RETURN(stage->silver_, OpenSilverTable(store));
  struct GoldTable {
    const char* path;
    const char* name;
    const Schema& schema;
  };
  const GoldTable tables[] = {{kDailySalesTable, "daily_sales", DailySalesSchema()},
                              {kProductPerformanceTable, "product_performance", ProductPerformanceSchema()},
                              {kCountrySummaryTable, "country_summary", CountrySummarySchema()},
                              {kCustomerRfmTable, "customer_rfm", CustomerRfmSchema()},
                              {kMonthlyKpisTable, "monthly_kpis", MonthlyKpisSchema()}};
  JSM_ASSIGN_OR_RETURN(stage->event_log_, EventLog::Open(store, options));
  for (const GoldTable& table : tables) {
    auto opened = delta::DeltaTable::OpenOrCreate(store, table.path, table.name, table.schema);
    // A gold table of an older schema: derived data, so the next rewrite replaces its schema too.
    if (!opened && opened.error().code() == ErrorCode::kInvalidArgument) opened = delta::DeltaTable::Open(store, table.path);
    if (!opened) return std::unexpected(opened.error());
    stage->gold_.push_back(std::move(*opened));
    stage->gold_schemas_.push_back(&table.schema);
  }
  return stage;
}

bool AggregateStage::GoldBehind(size_t i, int64_t version) const {
  return gold_[i]->AppVersion(kAggregateAppId) < version || gold_[i]->schema() != *gold_schemas_[i];
}

std::vector<RecordBatch> AggregateStage::GoldOutputs() const {
  std::vector<RecordBatch> outputs;
  outputs.reserve(gold_.size());
  outputs.push_back(aggregator_.DailySales());
  outputs.push_back(aggregator_.ProductPerformance());
  outputs.push_back(aggregator_.CountrySummary());
  outputs.push_back(aggregator_.CustomerRfm());
  outputs.push_back(aggregator_.MonthlyKpis());
  return outputs;
}

Status AggregateStage::RewriteGoldTable(delta::DeltaTable* table, const Schema& schema, const RecordBatch& rows,
                                        int64_t silver_version) {
  std::vector<delta::Action> actions;
  const int64_t now = NowMillis();
  if (table->schema() != schema) {
    // Gold is derived data: a table of an older schema (e.g. DECIMAL(18,2) money) is
    // overwritten with the current one, recomputed from silver.
    Log().info(R"("gold schema upgraded","stage":"aggregate","table":"{}","changes":"{}","silver_version":{})",
               table->path(), SchemaChanges(table->schema(), schema), silver_version);
    delta::Metadata metadata = table->snapshot().metadata;
    metadata.schema = schema;
    actions.push_back(std::move(metadata));
  }
  for (const auto& [path, add] : table->snapshot().files) {
    actions.push_back(delta::RemovalOf(add, now));
  }
  // Gold tables are unpartitioned; the file has the new schema, which this very commit installs.
  const bool new_schema = table->schema() != schema;
  JSM_ASSIGN_OR_RETURN(delta::AddFile add, new_schema ? table->WritePartitionFile(rows, {}, options_.parquet)
                                                      : table->WriteDataFile(rows, options_.parquet));
  actions.push_back(std::move(add));
  actions.push_back(delta::Txn{kAggregateAppId, silver_version, now});
  delta::CommitInfo info;
  info.operation = "WRITE";
  info.operation_parameters["mode"] = "Overwrite";
  if (new_schema) info.operation_parameters["overwriteSchema"] = "true";
  info.operation_parameters["silverVersion"] = std::to_string(silver_version);
  info.operation_metrics["numOutputRows"] = std::to_string(rows.num_rows());
  info.engine_info = "jsm-pipeline/" JSM_VERSION;
  JSM_RETURN_IF_ERROR(table->Commit(std::move(actions), std::move(info)));
  batch_commit_conflicts_ += table->last_commit_conflicts();
  return Status::Ok();
}

Result<StepResult> AggregateStage::Step() {
  StepResult result;
  JSM_RETURN_IF_ERROR(silver_->Refresh());
  const int64_t latest = silver_->version();
  bool gold_behind = false;
  for (size_t i = 0; i < gold_.size(); ++i) gold_behind |= GoldBehind(i, latest);
  if (latest <= applied_version_ && !gold_behind && !full_refresh_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return result;
  }
  const double started = MonotonicSeconds();
  const int64_t first_version = applied_version_ + 1;
  // New appends are folded in; a commit that removes data (jsm erase) cannot be,
  // so then, and on start, the state is rebuilt from the current snapshot.
  bool rebuild = applied_version_ < 0 || full_refresh_;
  std::vector<std::string> appended;
  for (int64_t version = first_version; version <= latest && !rebuild; ++version) {
    JSM_ASSIGN_OR_RETURN(delta::CommitEntry commit, silver_->ReadCommit(version));
    if (delta::RemovesData(commit)) rebuild = true;
    for (const delta::Action& action : commit.actions) {
      const auto* add = std::get_if<delta::AddFile>(&action);
      if (add != nullptr && add->data_change) appended.push_back(add->path);
    }
  }
  if (rebuild) {
    aggregator_.Clear();
    appended.clear();
    for (const auto& [path, add] : silver_->snapshot().files) appended.push_back(path);
  }
  size_t files_read = 0;
  for (const std::string& path : appended) {
    JSM_ASSIGN_OR_RETURN(RecordBatch rows, silver_->ReadDataFile(path, GoldInputColumns()));
    if (Status added = aggregator_.Add(rows); !added) {
      applied_version_ = -1;  // the state is partly updated: the next Step rebuilds it from silver
      return std::unexpected(added.error().WithContext("aggregate silver version " + std::to_string(latest) +
                                                       " (file " + path + ")"));
    }
    result.rows_in += static_cast<int64_t>(rows.num_rows());
    if (full_refresh_ && (++files_read % 64 == 0 || files_read == appended.size())) {
      Log().info(R"("full refresh progress","stage":"aggregate","silver_version":{},"files_read":{},"files":{},"rows_read":{},"seconds":{:.3f})",
                 latest, files_read, appended.size(), result.rows_in, MonotonicSeconds() - started);
    }
  }
  applied_version_ = latest;
  const std::vector<RecordBatch> outputs = GoldOutputs();
  int64_t rows_out = 0;
  for (size_t i = 0; i < gold_.size(); ++i) {
    rows_out += static_cast<int64_t>(outputs[i].num_rows());
    if (!full_refresh_ && !GoldBehind(i, latest)) continue;
    JSM_RETURN_IF_ERROR(RewriteGoldTable(gold_[i].get(), *gold_schemas_[i], outputs[i], latest));
    if (full_refresh_) {
      Log().info(R"("full refresh table","stage":"aggregate","table":"{}","version":{},"rows":{},"silver_version":{})",
                 gold_[i]->path(), gold_[i]->version(), outputs[i].num_rows(), latest);
    }
  }
  if (full_refresh_ && on_full_refresh_done_) on_full_refresh_done_();
  full_refresh_ = false;
  result.committed = true;
  BatchEvent event;
  event.stage = "aggregate";
  event.target_table = "gold";
  event.target_version = latest;  // the silver version gold now reflects
  event.source_range = "silver " + std::to_string(first_version) + "-" + std::to_string(latest);
  event.rows_in = result.rows_in;
  event.rows_out = rows_out;
  event.commit_conflicts = std::exchange(batch_commit_conflicts_, 0);
  event.duration_ms = static_cast<int64_t>((MonotonicSeconds() - started) * 1000);
  if (auto logged = event_log_->Append(event); !logged) {
    Log().warn(R"("event log append failed","stage":"aggregate","error":"{}")", logged.error().ToString());
  }
  Log().info(R"("gold commit","stage":"aggregate","silver_version":{},"rows_in":{},"silver_rows_total":{},"seconds":{:.3f})",
             latest, result.rows_in, aggregator_.rows_added(), MonotonicSeconds() - started);
  return result;
}

Status AggregateStage::MarkTarget() {
  JSM_RETURN_IF_ERROR(silver_->Refresh());
  target_version_ = silver_->version();
  return Status::Ok();
}

Result<bool> AggregateStage::ReachedTarget() {
  if (full_refresh_) return false;  // not yet rewritten
  for (const auto& table : gold_) {
    if (table->AppVersion(kAggregateAppId) < target_version_) return false;
  }
  return true;
}

}  // namespace jsm::pipeline
