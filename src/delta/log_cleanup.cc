#include "delta/log_cleanup.h"

#include <algorithm>
#include <map>
#include <string_view>
#include <vector>

#include "delta/checkpoint.h"

namespace jsm::delta {
namespace {

/// Version of a log file we may clean up ("<20 digits>.json|.crc" or a checkpoint of any kind), or -1.
int64_t LogFileVersion(std::string_view name) {
  if (const std::optional<CheckpointName> checkpoint = ParseCheckpointName(name)) return checkpoint->version;
  if (name.size() < 21 || name[20] != '.') return -1;
  const std::string_view suffix = name.substr(20);
  if (suffix != ".json" && suffix != ".crc") return -1;
  int64_t version = 0;
  for (size_t i = 0; i < 20; ++i) {
    if (name[i] < '0' || name[i] > '9') return -1;
    version = version * 10 + (name[i] - '0');
  }
  return version;
}

}  // namespace

Result<int64_t> CleanUpExpiredLogs(storage::ObjectStore* store, const std::string& log_prefix,
                                   int64_t checkpoint_version, int64_t cutoff_ms) {
  JSM_ASSIGN_OR_RETURN(const std::vector<storage::ObjectInfo> objects, store->List(log_prefix));
  struct VersionFiles {
    std::vector<std::string> keys;
    std::vector<std::string> names;
    int64_t newest_ms = 0;
    bool has_checkpoint = false;
  };
  std::map<int64_t, VersionFiles> versions;
  for (const storage::ObjectInfo& object : objects) {
    const std::string_view name = std::string_view(object.path).substr(log_prefix.size());
    const int64_t version = LogFileVersion(name);
    if (version < 0 || version > checkpoint_version) continue;
    VersionFiles& files = versions[version];
    files.keys.push_back(object.path);
    files.names.emplace_back(name);
    files.newest_ms = std::max(files.newest_ms, object.modified_ms);
  }
  // Only a complete checkpoint (every part of a multi-part one) can stand in for the commits before it.
  for (auto& [version, files] : versions) files.has_checkpoint = NewestCompleteCheckpoint(files.names, version).has_value();
  // The boundary: the newest checkpoint all of whose predecessors have expired.
  int64_t boundary = -1;
  for (const auto& [version, files] : versions) {
    if (files.has_checkpoint) boundary = version;
    if (files.newest_ms > cutoff_ms) break;  // expired: age (now - newest) >= retention
  }
  int64_t deleted = 0;
  for (const auto& [version, files] : versions) {
    if (version >= boundary) break;
    for (const std::string& key : files.keys) {
      JSM_RETURN_IF_ERROR(store->Delete(key));
      ++deleted;
    }
  }
  return deleted;
}

}  // namespace jsm::delta
