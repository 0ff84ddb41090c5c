#pragma once
/// VACUUM: deleting data files the table no longer references, once they have
/// been unreferenced for longer than the retention (delta.deletedFileRetentionDuration,
/// 7 days by default), so time travel within the retention keeps working.
/// Like Spark and delta-rs, a real run records itself in the log: a `VACUUM START`
/// commit (commitInfo only) before deleting and a `VACUUM END` commit after.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "delta/table.h"

namespace jsm::delta {

/// How to vacuum.
struct VacuumOptions {
  std::optional<double> retain_hours;  ///< default: the table's delta.deletedFileRetentionDuration
  bool dry_run = false;                ///< list what would be deleted, delete nothing
  bool force = false;                  ///< allow a retention shorter than the table's
  int64_t now_ms = 0;                  ///< 0 = the current time
};

/// The files VACUUM deleted (or, on a dry run, would delete).
struct VacuumResult {
  std::vector<std::string> files;  ///< paths relative to the table root
  int64_t bytes = 0;
  int64_t retention_ms = 0;
  bool dry_run = false;
  int64_t directories = 0;     ///< directories of data files scanned (the root included)
  int64_t start_version = -1;  ///< the VACUUM START commit; -1 on a dry run
  int64_t end_version = -1;    ///< the VACUUM END commit; -1 on a dry run
};

/// Deletes every file under the table (outside _delta_log and other hidden
/// directories) that the current snapshot does not reference, that no remove
/// newer than now - retention tombstoned, and that was last modified before
/// now - retention. A retention shorter than the table's is kInvalidArgument unless forced.
/// Unless a dry run, commits `VACUUM START` (parameters retentionCheckEnabled,
/// defaultRetentionMillis, specifiedRetentionMillis; metrics numFilesToDelete,
/// sizeOfDataToDelete) before the first delete and `VACUUM END` (status COMPLETED or
/// FAILED; numDeletedFiles, numVacuumedDirectories) after the last. A dry run writes nothing.
Result<VacuumResult> Vacuum(DeltaTable* table, const VacuumOptions& options = {});

}  // namespace jsm::delta
