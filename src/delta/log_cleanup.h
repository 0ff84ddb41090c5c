#pragma once
/// Expired log cleanup (PROTOCOL.md, "Metadata Cleanup"): after a checkpoint,
/// commit and checkpoint files older than the log retention are deleted, as long
/// as the log that remains still starts at a checkpoint every later version can
/// be rebuilt from.

#include <cstdint>
#include <string>

#include "common/status.h"
#include "storage/object_store.h"

namespace jsm::delta {

/// Deletes the log files (`<v>.json`, `<v>.checkpoint.parquet`, `<v>.crc`) under
/// `log_prefix` ("<table>/_delta_log/") of versions before the newest checkpoint
/// C <= `checkpoint_version` such that every log file of a version before C was
/// last modified at or before `cutoff_ms` (its age reached the retention). Returns the number of files deleted.
Result<int64_t> CleanUpExpiredLogs(storage::ObjectStore* store, const std::string& log_prefix,
                                   int64_t checkpoint_version, int64_t cutoff_ms);

}  // namespace jsm::delta
