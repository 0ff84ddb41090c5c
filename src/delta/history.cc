// Table history from the commits still in the log.

#include "delta/history.h"

#include "delta/time_travel.h"

namespace jsm::delta {

Result<std::vector<HistoryEntry>> ReadHistory(const DeltaTable& table, int64_t limit) {
  JSM_ASSIGN_OR_RETURN(const std::vector<VersionTimestamp> timestamps, ReadCommitTimestamps(table));
  std::vector<HistoryEntry> history;
  for (auto it = timestamps.rbegin(); it != timestamps.rend(); ++it) {
    if (limit > 0 && static_cast<int64_t>(history.size()) >= limit) break;
    JSM_ASSIGN_OR_RETURN(const CommitEntry commit, table.ReadCommit(it->version));
    HistoryEntry entry;
    entry.version = it->version;
    entry.timestamp_ms = it->timestamp_ms;
    for (const Action& action : commit.actions) {
      if (const auto* info = std::get_if<CommitInfo>(&action)) {
        entry.info = *info;
      } else if (std::holds_alternative<AddFile>(action)) {
        ++entry.files_added;
      } else if (std::holds_alternative<RemoveFile>(action)) {
        ++entry.files_removed;
      }
    }
    history.push_back(std::move(entry));
  }
  return history;
}

}  // namespace jsm::delta
