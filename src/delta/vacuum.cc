// VACUUM of unreferenced data files.

#include "delta/vacuum.h"

#include <cmath>
#include <cstdio>
#include <map>

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
  for (const storage::ObjectInfo& object : objects) {
    const std::string relative = object.path.substr(prefix.size());
    if (relative.empty() || IsHidden(relative)) continue;
    if (table->snapshot().files.contains(relative)) continue;
    if (const auto it = tombstones.find(relative); it != tombstones.end() && it->second >= cutoff) continue;
    if (object.modified_ms >= cutoff) continue;
    result.files.push_back(relative);
    result.bytes += object.size;
  }
  if (!options.dry_run) {
    for (const std::string& file : result.files) {
      JSM_RETURN_IF_ERROR(table->store()->Delete(table->ObjectKey(file)));
    }
  }
  return result;
}

}  // namespace jsm::delta
