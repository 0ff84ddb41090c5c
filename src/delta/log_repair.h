#pragma once
/// Making a table readable again after an earlier release wrote commit files that
/// are not UTF-8 (raw message bytes in an add's statistics, issue 13). The bad
/// commit files cannot be rewritten (a Delta log is append-only), so the repair
/// reads the log leniently, drops the statistics it cannot trust, and writes a
/// checkpoint at the latest version: every reader (delta-rs, Spark, us) starts
/// from a checkpoint and never reads the commits it covers. Only `jsm table
/// repair` reads leniently; a normal read of such a file stays kCorruption.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "storage/object_store.h"

namespace jsm::delta {

/// What RepairLog found and did.
struct LogRepair {
  int64_t version = -1;            ///< the latest version, where the checkpoint was written
  int64_t commits_read = 0;        ///< commit files replayed (after the checkpoint it started from)
  int64_t lines_not_utf8 = 0;      ///< log lines that were not valid UTF-8
  int64_t stats_dropped = 0;       ///< adds whose statistics were dropped (not UTF-8 JSON)
  bool checkpoint_written = false; ///< false when nothing needed repairing
};

/// Replaces each byte of `text` that is not part of a valid UTF-8 sequence with
/// U+FFFD; valid text comes back unchanged.
std::string ReplaceInvalidUtf8(std::string_view text);

/// Replays the log of the table at `table_path` leniently (lines that are not
/// UTF-8 are read with their bad bytes replaced, and the statistics of their adds
/// dropped; any add whose statistics are not UTF-8 JSON loses them too) and, if
/// anything was wrong or `force`, writes a checkpoint of the latest version with
/// the clean statistics and points `_last_checkpoint` at it.
Result<LogRepair> RepairLog(storage::ObjectStore* store, const std::string& table_path, bool force = false);

}  // namespace jsm::delta
