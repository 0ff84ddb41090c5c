// VACUUM of unreferenced data files.

#include "delta/vacuum.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "common/clock.h"
#include "delta/table_properties.h"

namespace jsm::delta {
namespace {

/// Spark's rule: a path component starting with '.' or '_' is hidden (not data),
/// unless it is a partition directory ("_col=value").
bool IsHidden(std::string_view relative) {
  size_t start = 0;
  while (start <= relative.size()) {
    size_t end = relative.find('/', start);
    if (end == std::string_view::npos) end = relative.size();
    const std::string_view part = relative.substr(start, end - start);
    if (!part.empty() && (part.front() == '.' || (part.front() == '_' && part.find('=') == std::string_view::npos))) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

std::string Hours(int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", static_cast<double>(ms) / kMillisPerHour);
  return buf;
}

/// The commitInfo of VACUUM START, as Spark and delta-rs write it.
CommitInfo VacuumStartInfo(const VacuumOptions& options, int64_t default_retention_ms, const VacuumResult& result) {
  CommitInfo info;
  info.operation = "VACUUM START";
  info.operation_parameters = {{"retentionCheckEnabled", options.force ? "false" : "true"},
                               {"defaultRetentionMillis", std::to_string(default_retention_ms)}};
  if (options.retain_hours) info.operation_parameters["specifiedRetentionMillis"] = std::to_string(result.retention_ms);
  info.operation_metrics = {{"numFilesToDelete", std::to_string(result.files.size())},
                            {"sizeOfDataToDelete", std::to_string(result.bytes)}};
  return info;
}

/// The commitInfo of VACUUM END.
CommitInfo VacuumEndInfo(bool completed, int64_t deleted, int64_t directories) {
  CommitInfo info;
  info.operation = "VACUUM END";
  info.operation_parameters = {{"status", completed ? "COMPLETED" : "FAILED"}};
  info.operation_metrics = {{"numDeletedFiles", std::to_string(deleted)},
                            {"numVacuumedDirectories", std::to_string(directories)}};
  return info;
}

}  // namespace

Result<VacuumResult> Vacuum(DeltaTable* table, const VacuumOptions& options) {
  JSM_ASSIGN_OR_RETURN(const TableProperties properties, ReadTableProperties(table->snapshot().metadata));
  VacuumResult result;
  result.dry_run = options.dry_run;
  result.retention_ms = options.retain_hours
                            ? static_cast<int64_t>(std::llround(*options.retain_hours * kMillisPerHour))
                            : properties.deleted_file_retention_ms;
  if (result.retention_ms < 0) {
    return MakeError(ErrorCode::kInvalidArgument, "vacuum of table " + table->Location() + ": negative retention");
  }
  if (result.retention_ms < properties.deleted_file_retention_ms && !options.force) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "refusing to vacuum table " + table->Location() + " with a retention of " +
                         Hours(result.retention_ms) + " hours: that is less than its delta.deletedFileRetentionDuration (" +
                         Hours(properties.deleted_file_retention_ms) +
                         " hours), and would delete files that readers of older versions or running writers may "
                         "still need; force it if you are sure");
  }
  const int64_t now = options.now_ms > 0 ? options.now_ms : NowMillis();
  const int64_t cutoff = now - result.retention_ms;

  // The newest tombstone of each path, from the commits still in the log.
  std::map<std::string, int64_t> tombstones;
  for (int64_t version = 0; version <= table->version(); ++version) {
    auto commit = table->ReadCommit(version);
    if (!commit) {
      if (commit.error().code() == ErrorCode::kNotFound) continue;  // cleaned up after a checkpoint
      return std::unexpected(commit.error());
    }
    for (const Action& action : commit->actions) {
      if (const auto* remove = std::get_if<RemoveFile>(&action)) {
        int64_t& newest = tombstones[remove->path];
        newest = std::max(newest, remove->deletion_timestamp);
      }
    }
  }
  for (const auto& [path, remove] : table->snapshot().tombstones) {
    int64_t& newest = tombstones[path];
    newest = std::max(newest, remove.deletion_timestamp);
  }
  const std::string prefix = table->ObjectKey("");
  JSM_ASSIGN_OR_RETURN(const std::vector<storage::ObjectInfo> objects, table->store()->List(prefix));
  std::set<std::string_view> directories;
  for (const storage::ObjectInfo& object : objects) {
    const std::string relative = object.path.substr(prefix.size());
    if (relative.empty() || IsHidden(relative)) continue;
    // Every directory on the way to a data file (partition directories), as Spark counts them.
    for (size_t slash = object.path.find('/', prefix.size()); slash != std::string::npos;
         slash = object.path.find('/', slash + 1)) {
      directories.insert(std::string_view(object.path).substr(prefix.size(), slash - prefix.size()));
    }
    if (table->snapshot().files.contains(relative)) continue;
    if (const auto it = tombstones.find(relative); it != tombstones.end() && it->second >= cutoff) continue;
    if (object.modified_ms >= cutoff) continue;
    result.files.push_back(relative);
    result.bytes += object.size;
  }
  result.directories = 1 + static_cast<int64_t>(directories.size());
  if (options.dry_run) return result;

  JSM_ASSIGN_OR_RETURN(result.start_version,
                       table->Commit({}, VacuumStartInfo(options, properties.deleted_file_retention_ms, result)));
  int64_t deleted = 0;
  Status failure = Status::Ok();
  for (const std::string& file : result.files) {
    Status status = table->store()->Delete(table->ObjectKey(file));
    if (!status) {
      failure = std::move(status);
      break;
    }
    ++deleted;
  }
  auto end = table->Commit({}, VacuumEndInfo(failure.has_value(), deleted, result.directories));
  if (!failure) {
    return std::unexpected(failure.error().WithContext("vacuum of table " + table->Location() + " deleted " +
                                                       std::to_string(deleted) + " of " +
                                                       std::to_string(result.files.size()) + " files"));
  }
  if (!end) return std::unexpected(end.error());
  result.end_version = *end;
  return result;
}

}  // namespace jsm::delta
