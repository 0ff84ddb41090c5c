#pragma once
/// Table history: the commitInfo of each version, newest first, as `DESCRIBE HISTORY`.

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "delta/actions.h"
#include "delta/table.h"

namespace jsm::delta {

/// One version of the history.
struct HistoryEntry {
  int64_t version = 0;
  int64_t timestamp_ms = 0;  ///< commit timestamp, as time travel uses it
  CommitInfo info;           ///< empty operation if the commit had no commitInfo
  int64_t files_added = 0;
  int64_t files_removed = 0;
};

/// The `limit` newest versions (0 = all) whose commits are still in the log, newest first.
Result<std::vector<HistoryEntry>> ReadHistory(const DeltaTable& table, int64_t limit = 0);

}  // namespace jsm::delta
