// Row-level DELETE by copy-on-write file rewrite.

#include "delta/rewrite.h"

#include <algorithm>
#include <cstdlib>

#include "common/clock.h"

namespace jsm::delta {

bool RemovesData(const CommitEntry& commit) {
  return std::any_of(commit.actions.begin(), commit.actions.end(), [](const Action& action) {
    const auto* remove = std::get_if<RemoveFile>(&action);
    return remove != nullptr && remove->data_change;
  });
}

int64_t DeletedRows(const CommitEntry& commit) {
  for (const Action& action : commit.actions) {
    const auto* info = std::get_if<CommitInfo>(&action);
    if (info == nullptr) continue;
    auto it = info->operation_metrics.find("numDeletedRows");
    if (it != info->operation_metrics.end()) return std::strtoll(it->second.c_str(), nullptr, 10);
  }
  return 0;
}

Result<RewriteMetrics> DeleteRows(DeltaTable* table, const RowMatcher& matcher, RewriteOptions options) {
  const Metadata& metadata = table->snapshot().metadata;
  std::vector<std::string> data_columns;
  std::vector<Field> data_fields;
  for (const Field& field : metadata.schema.fields) {
    if (std::find(metadata.partition_columns.begin(), metadata.partition_columns.end(), field.name) ==
        metadata.partition_columns.end()) {
      data_columns.push_back(field.name);
      data_fields.push_back(field);
    }
  }
  RewriteMetrics metrics;
  std::vector<Action> actions;
  const int64_t now = NowMillis();
  std::vector<uint8_t> doomed;
  for (const auto& [path, add] : table->snapshot().files) {
    ++metrics.files_scanned;
    JSM_ASSIGN_OR_RETURN(RecordBatch probe, table->ReadDataFile(path, options.match_columns));
    doomed.assign(probe.num_rows(), 0);
    JSM_RETURN_IF_ERROR(matcher(probe, &doomed));
    const int64_t deleted = std::count_if(doomed.begin(), doomed.end(), [](uint8_t d) { return d != 0; });
    if (deleted == 0) continue;
    metrics.rows_deleted += deleted;
    metrics.rows_copied += static_cast<int64_t>(doomed.size()) - deleted;
    metrics.removed.push_back(RemovedFile{path, add.size, deleted});
    if (options.dry_run) continue;
    actions.emplace_back(RemovalOf(add, now));
    if (deleted == static_cast<int64_t>(doomed.size())) continue;  // nothing left of this file
    JSM_ASSIGN_OR_RETURN(RecordBatch rows, table->ReadDataFile(path, data_columns));
    if (rows.num_rows() != doomed.size()) {
      return MakeError(ErrorCode::kCorruption, table->Location() + "/" + path + ": " +
                                                   std::to_string(rows.num_rows()) + " rows read, but " +
                                                   std::to_string(doomed.size()) + " in the match columns");
    }
    std::vector<uint8_t> keep(doomed.size());
    for (size_t row = 0; row < doomed.size(); ++row) keep[row] = doomed[row] ? 0 : 1;
    RecordBatch kept{Schema{data_fields}};
    kept.AppendSelected(rows, keep);
    JSM_ASSIGN_OR_RETURN(AddFile replacement, table->WritePartitionFile(kept, add.partition_values, options.writer));
    replacement.data_change = true;
    actions.emplace_back(std::move(replacement));
    ++metrics.files_added;
  }
  if (options.dry_run || (metrics.removed.empty() && !options.commit_when_no_match)) return metrics;
  for (Action& extra : options.extra_actions) actions.push_back(std::move(extra));
  CommitInfo info;
  info.operation = "DELETE";
  info.operation_parameters = {{"predicate", options.predicate.empty() ? "[]" : options.predicate}};
  info.operation_metrics = {{"numRemovedFiles", std::to_string(metrics.removed.size())},
                            {"numAddedFiles", std::to_string(metrics.files_added)},
                            {"numDeletedRows", std::to_string(metrics.rows_deleted)},
                            {"numCopiedRows", std::to_string(metrics.rows_copied)}};
  for (auto& [name, value] : options.extra_metrics) info.operation_metrics[name] = value;
  info.engine_info = "jsm-pipeline/" JSM_VERSION;
  // The removes carry dataChange, so Commit treats any concurrent add or remove as a conflict.
  JSM_ASSIGN_OR_RETURN(metrics.version, table->Commit(std::move(actions), std::move(info)));
  metrics.committed_at_ms = now;
  return metrics;
}

}  // namespace jsm::delta
