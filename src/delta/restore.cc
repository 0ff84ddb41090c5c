// RESTORE to an earlier version.

#include "delta/restore.h"

#include <set>

#include "common/clock.h"

namespace jsm::delta {

Result<RestoreMetrics> Restore(DeltaTable* table, int64_t version) {
  if (version >= table->version()) {
    return MakeError(ErrorCode::kInvalidArgument, "cannot restore table " + table->Location() + " to version " +
                                                      std::to_string(version) + ": it is not older than the current version " +
                                                      std::to_string(table->version()));
  }
  JSM_ASSIGN_OR_RETURN(const std::unique_ptr<DeltaTable> target,
                       DeltaTable::OpenAtVersion(table->store(), table->path(), version));
  const Snapshot& then = target->snapshot();
  const Snapshot& now = table->snapshot();

  // The data files of the target version must still exist (VACUUM may have deleted them).
  const std::string prefix = table->ObjectKey("");
  JSM_ASSIGN_OR_RETURN(const std::vector<storage::ObjectInfo> objects, table->store()->List(prefix));
  std::set<std::string> present;
  for (const storage::ObjectInfo& object : objects) present.insert(object.path.substr(prefix.size()));

  RestoreMetrics metrics;
  metrics.restored_version = version;
  std::vector<Action> actions;
  const int64_t now_ms = NowMillis();
  if (!(then.metadata.schema == now.metadata.schema) || then.metadata.configuration != now.metadata.configuration ||
      then.metadata.partition_columns != now.metadata.partition_columns) {
    actions.emplace_back(then.metadata);
  }
  for (const auto& [path, add] : then.files) {
    if (now.files.contains(path)) continue;
    if (!present.contains(path)) {
      return MakeError(ErrorCode::kNotFound, "cannot restore table " + table->Location() + " to version " +
                                                 std::to_string(version) + ": its data file " + path +
                                                 " no longer exists (deleted by VACUUM?)");
    }
    AddFile restored = add;
    restored.data_change = true;
    restored.modification_time = now_ms;
    metrics.bytes_restored += add.size;
    ++metrics.files_restored;
    actions.emplace_back(std::move(restored));
  }
  for (const auto& [path, add] : now.files) {
    if (then.files.contains(path)) continue;
    metrics.bytes_removed += add.size;
    ++metrics.files_removed;
    actions.emplace_back(RemovalOf(add, now_ms));
  }
  CommitInfo info;
  info.operation = "RESTORE";
  info.operation_parameters = {{"version", std::to_string(version)}};
  info.operation_metrics = {{"numRemovedFiles", std::to_string(metrics.files_removed)},
                            {"numRestoredFiles", std::to_string(metrics.files_restored)},
                            {"removedFilesSize", std::to_string(metrics.bytes_removed)},
                            {"restoredFilesSize", std::to_string(metrics.bytes_restored)},
                            {"tableSizeAfterRestore", "0"}};
  int64_t size_after = 0;
  for (const auto& [path, add] : then.files) size_after += add.size;
  info.operation_metrics["tableSizeAfterRestore"] = std::to_string(size_after);
  CommitOptions commit_options;
  commit_options.reads_whole_table = true;
  JSM_ASSIGN_OR_RETURN(metrics.version, table->Commit(std::move(actions), std::move(info), commit_options));
  return metrics;
}

}  // namespace jsm::delta

