// Rebuilding silver and quarantine from bronze as of a version (see backfill.h).

#include "pipeline/backfill.h"

#include <algorithm>
#include <set>

#include "common/backoff.h"
#include "common/clock.h"
#include "common/logging.h"
#include "delta/rewrite.h"
#include "pipeline/refine_stage.h"
#include "pipeline/table_schemas.h"

namespace jsm::pipeline {

Result<BronzeRebuildPlan> PlanBronzeRebuild(storage::ObjectStore* store, const std::string& bronze_path,
                                            int64_t version) {
  auto latest = delta::DeltaTable::Open(store, bronze_path);
  if (!latest) {
    if (latest.error().code() != ErrorCode::kNotFound) return std::unexpected(latest.error());
    // A refusal (kInvalidArgument: `jsm run` exits 4, not retried), like every refusal below.
    return MakeError(ErrorCode::kInvalidArgument, "cannot rebuild from bronze version " + std::to_string(version) +
                                                      ": there is no bronze table yet (" + bronze_path + ")");
  }
  const delta::DeltaTable& bronze = **latest;
  BronzeRebuildPlan plan;
  plan.bronze_version = version;
  plan.latest_bronze_version = bronze.version();
  if (version < 0 || version > bronze.version()) {
    return MakeError(ErrorCode::kInvalidArgument, "cannot rebuild from bronze version " + std::to_string(version) +
                                                      ": bronze " + bronze.Location() + " has versions 0 to " +
                                                      std::to_string(bronze.version()));
  }
  // Rebuilding from before an erase would resurrect the erased rows in silver
  // (the incremental refine skips an erase commit's re-added rows).
  for (int64_t later = version + 1; later <= bronze.version(); ++later) {
    JSM_ASSIGN_OR_RETURN(delta::CommitEntry commit, bronze.ReadCommit(later));
    if (delta::RemovesData(commit)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "cannot rebuild from bronze version " + std::to_string(version) + ": bronze version " +
                           std::to_string(later) +
                           " removes data (jsm erase); rebuilding from before it would bring erased rows back. "
                           "Rebuild from version " + std::to_string(later) + " or later");
    }
  }
  auto then = delta::DeltaTable::OpenAtVersion(store, bronze_path, version);
  if (!then) {
    if (IsTransient(then.error())) return std::unexpected(then.error());
    return MakeError(ErrorCode::kInvalidArgument,
                     "cannot rebuild from bronze version " + std::to_string(version) +
                         " (its log was cleaned up: pick a version at or after the oldest checkpoint): " +
                         then.error().ToString());
  }
  // Its data files must still exist (VACUUM deletes files removed long enough ago).
  const std::string prefix = bronze.ObjectKey("");
  JSM_ASSIGN_OR_RETURN(const std::vector<storage::ObjectInfo> objects, store->List(prefix));
  std::set<std::string> present;
  for (const storage::ObjectInfo& object : objects) present.insert(object.path.substr(prefix.size()));
  const delta::Snapshot& snapshot = (*then)->snapshot();
  for (const auto& [path, add] : snapshot.files) {
    if (!present.contains(path)) {
      return MakeError(ErrorCode::kInvalidArgument, "cannot rebuild from bronze version " +
                                                        std::to_string(version) + ": its data file " + path +
                                                        " no longer exists (deleted by VACUUM?)");
    }
  }
  // The order rows were appended in: by the version that added each file (the
  // dedupe keeps a row's first occurrence, as the incremental refine does).
  std::map<std::string, int64_t> added_at;
  for (int64_t v = 0; v <= version; ++v) {
    auto commit = bronze.ReadCommit(v);
    if (!commit) {
      if (commit.error().code() == ErrorCode::kNotFound) continue;  // cleaned up behind a checkpoint
      return std::unexpected(commit.error());
    }
    for (const delta::Action& action : commit->actions) {
      if (const auto* add = std::get_if<delta::AddFile>(&action)) added_at[add->path] = v;
    }
  }
  for (const auto& [path, add] : snapshot.files) {
    auto it = added_at.find(path);
    plan.files.push_back(BronzeFileToRead{add, it == added_at.end() ? -1 : it->second});
    plan.rows += add.num_records > 0 ? add.num_records : 0;
  }
  std::stable_sort(plan.files.begin(), plan.files.end(),
                   [](const BronzeFileToRead& a, const BronzeFileToRead& b) { return a.version < b.version; });
  plan.bronze_at_version = std::move(*then);
  return plan;
}

std::vector<delta::Action> OverwriteActions(const delta::Snapshot& snapshot, std::vector<delta::AddFile> adds,
                                            std::vector<delta::Action> extra, int64_t now_ms) {
  std::vector<delta::Action> actions;
  actions.reserve(snapshot.files.size() + adds.size() + extra.size());
  for (const auto& [path, add] : snapshot.files) {
    actions.emplace_back(delta::RemovalOf(add, now_ms));
  }
  for (delta::AddFile& add : adds) {
    add.data_change = true;
    actions.emplace_back(std::move(add));
  }
  for (delta::Action& action : extra) actions.push_back(std::move(action));
  return actions;
}

delta::CommitInfo RebuildCommitInfo(int64_t bronze_version) {
  delta::CommitInfo info;
  info.operation = "WRITE";
  info.operation_parameters["mode"] = "Overwrite";
  info.operation_parameters["partitionBy"] = "[]";
  info.operation_parameters[kRebuildBronzeVersionParameter] = std::to_string(bronze_version);
  info.engine_info = "jsm-pipeline/" JSM_VERSION;
  return info;
}

bool IsRebuildOverwrite(const delta::CommitInfo& info) {
  return info.operation == "WRITE" && info.operation_parameters.contains(kRebuildBronzeVersionParameter);
}

int64_t InterruptedRebuild(const delta::DeltaTable& silver, const delta::DeltaTable& quarantine) {
  if (quarantine.AppVersion(kRebuildAppId) == silver.AppVersion(kRebuildAppId)) return -1;
  return quarantine.AppVersion(kRefineAppId);
}

Result<RefineCounts> RefineStage::RebuildFromBronze(int64_t bronze_version) {
  const double started = MonotonicSeconds();
  JSM_RETURN_IF_ERROR(silver_->Refresh());
  JSM_RETURN_IF_ERROR(quarantine_->Refresh());
  JSM_ASSIGN_OR_RETURN(const BronzeRebuildPlan plan, PlanBronzeRebuild(silver_->store(), kBronzeTable, bronze_version));
  const delta::DeltaTable& bronze = *plan.bronze_at_version;  // its files may have left the latest snapshot
  // The columns refine reads that bronze had at that version (`headers`, the last, came later).
  std::vector<std::string> columns;
  for (const std::string& name : BronzeColumnsRead()) {
    if (bronze.schema().FieldIndex(name) >= 0) columns.push_back(name);
  }
  // Bronze rows that were never refined get their dead letters now; the letters of
  // rows refined before were sent then (sending them again would duplicate them).
  const int64_t previously_refined = LettersSentThrough();
  Log().info(R"("rebuild started","stage":"refine","bronze_version":{},"bronze_files":{},"bronze_rows":{},"previously_refined":{})",
             bronze_version, plan.files.size(), plan.rows, previously_refined);
  dedupe_dirty_ = true;  // until the silver overwrite lands
  dedupe_.Clear();
  dedupe_.Reserve(static_cast<size_t>(plan.rows));
  quarantine_dedupe_.Clear();  // quarantine is replaced too: its repeats are found anew
  quarantine_redo_ = false;
  product_names_->Clear();
  RefineCounts total;
  std::vector<int64_t> failed(expectations_.size(), 0);
  std::vector<delta::AddFile> silver_adds;
  std::vector<delta::AddFile> quarantine_adds;
  size_t next = 0;
  while (next < plan.files.size()) {
    RefineCounts counts;
    ClearBatch();
    while (next < plan.files.size() && counts.input_rows < options_.refine_max_rows) {
      const BronzeFileToRead& file = plan.files[next++];
      JSM_ASSIGN_OR_RETURN(RecordBatch bronze, bronze.ReadDataFile(file.add.path, columns));
      bronze_batches_.push_back(std::move(bronze));
      send_letters_ = file.version > previously_refined;
      auto parsed = ParseBronzeFile(bronze_batches_.back(), &counts);
      send_letters_ = true;
      JSM_RETURN_IF_ERROR(parsed);
    }
    JSM_RETURN_IF_ERROR(SplitCandidates(&counts));
    for (size_t e = 0; e < failed.size(); ++e) failed[e] += outcome_.failed[e];
    if (silver_batch_.num_rows() > 0) {
      JSM_ASSIGN_OR_RETURN(delta::AddFile add, silver_->WriteDataFile(silver_batch_, options_.parquet));
      silver_adds.push_back(std::move(add));
    }
    if (quarantine_batch_.num_rows() > 0) {
      JSM_ASSIGN_OR_RETURN(delta::AddFile add, quarantine_->WriteDataFile(quarantine_batch_, options_.parquet));
      quarantine_adds.push_back(std::move(add));
    }
    total.input_rows += counts.input_rows;
    total.parsed += counts.parsed;
    total.silver_rows += counts.silver_rows;
    total.quarantined += counts.quarantined;
    total.dead_letters += counts.dead_letters;
    total.duplicates += counts.duplicates;
    total.quarantine_duplicates += counts.quarantine_duplicates;
    Log().info(
        R"("rebuild progress","stage":"refine","bronze_version":{},"rows_read":{},"bronze_rows":{},"silver_rows":{},"quarantined":{},"dead_letters":{},"duplicates":{},"seconds":{:.3f})",
        bronze_version, total.input_rows, plan.rows, total.silver_rows, total.quarantined, total.dead_letters,
        total.duplicates, MonotonicSeconds() - started);
  }
  JSM_RETURN_IF_ERROR(dead_letters_->Flush(60000));

  // Quarantine first, then silver: a crash between the two leaves quarantine's
  // jsm-rebuild txn ahead of silver's, which the refine stage refuses to continue from.
  const int64_t now = NowMillis();
  const int64_t rebuild_id = now;
  delta::CommitOptions whole_table;
  whole_table.reads_whole_table = true;
  {
    std::vector<delta::Action> txns{delta::Txn{kRefineAppId, bronze_version, now},
                                    delta::Txn{kRebuildAppId, rebuild_id, now}};
    delta::CommitInfo info = RebuildCommitInfo(bronze_version);
    info.operation_metrics["numOutputRows"] = std::to_string(total.quarantined);
    info.operation_metrics["numRemovedFiles"] = std::to_string(quarantine_->snapshot().files.size());
    info.operation_metrics["numFiles"] = std::to_string(quarantine_adds.size());
    JSM_ASSIGN_OR_RETURN(const int64_t version,
                         quarantine_->Commit(OverwriteActions(quarantine_->snapshot(), std::move(quarantine_adds),
                                                              std::move(txns), now),
                                             std::move(info), whole_table));
    Log().info(R"("rebuild commit","stage":"refine","table":"{}","version":{},"rows":{})", kQuarantineTable, version,
               total.quarantined);
  }
  std::vector<delta::Action> txns{delta::Txn{kRefineAppId, bronze_version, now},
                                  delta::Txn{kRebuildAppId, rebuild_id, now},
                                  delta::Txn{kLettersSentAppId, std::max(previously_refined, bronze_version), now}};
  delta::CommitInfo info = RebuildCommitInfo(bronze_version);
  info.operation_metrics["numInputRows"] = std::to_string(total.input_rows);
  info.operation_metrics["numOutputRows"] = std::to_string(total.silver_rows);
  info.operation_metrics["numQuarantinedRows"] = std::to_string(total.quarantined);
  info.operation_metrics["numDeadLetters"] = std::to_string(total.dead_letters);
  info.operation_metrics["numDuplicateRows"] = std::to_string(total.duplicates);
  info.operation_metrics["numQuarantineDuplicateRows"] = std::to_string(total.quarantine_duplicates);
  info.operation_metrics["numRemovedFiles"] = std::to_string(silver_->snapshot().files.size());
  info.operation_metrics["numFiles"] = std::to_string(silver_adds.size());
  JSM_ASSIGN_OR_RETURN(
      const int64_t version,
      silver_->Commit(OverwriteActions(silver_->snapshot(), std::move(silver_adds), std::move(txns), now),
                      std::move(info), whole_table));
  dedupe_dirty_ = false;
  dead_letters_->Forget();  // their events are committed past
  outcome_.failed = failed;
  LogBatch(total, version, "0-" + std::to_string(bronze_version) + " (rebuild)", started);
  Log().info(
      R"("rebuild commit","stage":"refine","table":"{}","version":{},"bronze_version":{},"rows_in":{},"rows_out":{},"quarantined":{},"dead_letters":{},"duplicates":{},"seconds":{:.3f})",
      kSilverTable, version, bronze_version, total.input_rows, total.silver_rows, total.quarantined,
      total.dead_letters, total.duplicates, MonotonicSeconds() - started);
  return total;
}

}  // namespace jsm::pipeline
