// Time travel: opening a table at a past version or timestamp.

#include "delta/time_travel.h"

#include <algorithm>
#include <string>

#include "common/clock.h"
#include "delta/checkpoint.h"
#include "delta/snapshot.h"

namespace jsm::delta {
namespace {

/// Version of a log file name "<20 digits>.json", or -1.
int64_t VersionOfLogName(std::string_view name) {
  if (name.size() != 25 || !name.ends_with(".json")) return -1;
  int64_t version = 0;
  for (size_t i = 0; i < 20; ++i) {
    if (name[i] < '0' || name[i] > '9') return -1;
    version = version * 10 + (name[i] - '0');
  }
  return version;
}

std::string FormatMillis(int64_t ms) { return FormatTimestampMicros(ms * 1000); }

}  // namespace

Result<std::vector<VersionTimestamp>> ReadCommitTimestamps(const DeltaTable& table) {
  const std::string prefix = table.ObjectKey("_delta_log/");
  JSM_ASSIGN_OR_RETURN(const std::vector<storage::ObjectInfo> objects, table.store()->List(prefix));
  std::vector<VersionTimestamp> out;
  for (const storage::ObjectInfo& object : objects) {
    const int64_t version = VersionOfLogName(std::string_view(object.path).substr(prefix.size()));
    if (version >= 0) out.push_back({version, object.modified_ms});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
  for (size_t i = 1; i < out.size(); ++i) {
    out[i].timestamp_ms = std::max(out[i].timestamp_ms, out[i - 1].timestamp_ms + 1);
  }
  return out;
}

Result<int64_t> VersionAtTimestamp(const std::vector<VersionTimestamp>& timestamps, int64_t timestamp_ms,
                                   std::string_view table) {
  if (timestamps.empty()) {
    return MakeError(ErrorCode::kNotFound, "table " + std::string(table) + " has no commits");
  }
  if (timestamp_ms < timestamps.front().timestamp_ms) {
    return MakeError(ErrorCode::kNotFound,
                     "table " + std::string(table) + " has no version at " + FormatMillis(timestamp_ms) +
                         ": its earliest available version " + std::to_string(timestamps.front().version) +
                         " was committed at " + FormatMillis(timestamps.front().timestamp_ms));
  }
  if (timestamp_ms > timestamps.back().timestamp_ms) {
    // As Spark does: the table may still get a version at that time, so no answer is stable yet.
    return MakeError(ErrorCode::kInvalidArgument,
                     "table " + std::string(table) + " has no version at " + FormatMillis(timestamp_ms) +
                         ": that is after its latest commit (version " + std::to_string(timestamps.back().version) +
                         " at " + FormatMillis(timestamps.back().timestamp_ms) +
                         "); use a time at or before that one");
  }
  int64_t version = timestamps.front().version;
  for (const VersionTimestamp& entry : timestamps) {
    if (entry.timestamp_ms > timestamp_ms) break;
    version = entry.version;
  }
  return version;
}

Status DeltaTable::LoadVersion(int64_t version) {
  JSM_ASSIGN_OR_RETURN(const int64_t latest, LatestVersion());
  if (version < 0 || version > latest) {
    return MakeError(ErrorCode::kNotFound, "table " + Describe() + " has no version " + std::to_string(version) +
                                               " (versions 0 to " + std::to_string(latest) + " exist)");
  }
  // Start from the newest checkpoint at or before `version`, then replay the later commits.
  Snapshot snapshot;
  const std::string log_prefix = Key("_delta_log/");
  JSM_ASSIGN_OR_RETURN(const std::optional<CheckpointFiles> checkpoint, FindCheckpoint(store_, log_prefix, version));
  if (checkpoint) {
    JSM_ASSIGN_OR_RETURN(snapshot, ReadCheckpoint(store_, log_prefix, *checkpoint, Describe()));
  }
  for (int64_t v = snapshot.version + 1; v <= version; ++v) {
    auto entry = ReadCommit(v);
    if (!entry) {
      if (entry.error().code() == ErrorCode::kNotFound) {
        return MakeError(ErrorCode::kNotFound, "version " + std::to_string(version) + " of table " + Describe() +
                                                   " can no longer be reconstructed: the commit of version " +
                                                   std::to_string(v) + " was cleaned up");
      }
      return std::unexpected(entry.error());
    }
    JSM_RETURN_IF_ERROR(ApplyCommit(v, entry->actions, Describe(), &snapshot));
  }
  snapshot_ = std::move(snapshot);
  return Status::Ok();
}

Result<std::unique_ptr<DeltaTable>> DeltaTable::OpenAtVersion(storage::ObjectStore* store, std::string table_path,
                                                              int64_t version) {
  while (!table_path.empty() && table_path.back() == '/') table_path.pop_back();
  while (!table_path.empty() && table_path.front() == '/') table_path.erase(0, 1);
  std::unique_ptr<DeltaTable> table(new DeltaTable(store, std::move(table_path)));
  JSM_RETURN_IF_ERROR(table->LoadVersion(version));
  return table;
}

Result<std::unique_ptr<DeltaTable>> DeltaTable::OpenAtTimestamp(storage::ObjectStore* store, std::string table_path,
                                                                int64_t timestamp_ms) {
  while (!table_path.empty() && table_path.back() == '/') table_path.pop_back();
  while (!table_path.empty() && table_path.front() == '/') table_path.erase(0, 1);
  DeltaTable probe(store, table_path);
  JSM_ASSIGN_OR_RETURN(const std::vector<VersionTimestamp> timestamps, ReadCommitTimestamps(probe));
  JSM_ASSIGN_OR_RETURN(const int64_t version, VersionAtTimestamp(timestamps, timestamp_ms, probe.Describe()));
  return OpenAtVersion(store, std::move(table_path), version);
}

}  // namespace jsm::delta
