#pragma once
/// RESTORE: one commit that brings a table's files (and schema) back to those of
/// an earlier version, as removes and adds with dataChange=true.

#include <cstdint>

#include "common/status.h"
#include "delta/table.h"

namespace jsm::delta {

/// What RESTORE did.
struct RestoreMetrics {
  int64_t version = -1;           ///< the new commit
  int64_t restored_version = -1;  ///< the version whose state it reproduces
  int64_t files_removed = 0;
  int64_t files_restored = 0;
  int64_t bytes_removed = 0;
  int64_t bytes_restored = 0;
};

/// Restores `table` to `version`. kNotFound naming the table and version if that
/// version cannot be reconstructed or one of its data files was vacuumed; any
/// concurrent change of the file set makes the commit a kConflict.
Result<RestoreMetrics> Restore(DeltaTable* table, int64_t version);

}  // namespace jsm::delta
