// Optimistic-concurrency commits: put-if-absent of the next log file, and on a
// lost race, a check of the winning commit against ours before retrying later.

#include <optional>
#include <set>
#include <string>

#include "common/check.h"
#include "common/clock.h"
#include "common/logging.h"
#include "delta/checkpoint.h"
#include "delta/engine_info.h"
#include "delta/log_line_check.h"
#include "delta/snapshot.h"
#include "delta/table.h"
#include "delta/table_properties.h"

namespace jsm::delta {
namespace {

/// What a commit of ours touches, for checking it against concurrent winners.
struct CommitFootprint {
  std::set<std::string> app_ids;
  std::set<std::string> removed_paths;
  bool changes_metadata = false;     ///< metaData or protocol
  bool reads_whole_table = false;    ///< computed from the table's data: removes with dataChange, or told so
};

CommitFootprint FootprintOf(const std::vector<Action>& actions, const CommitOptions& options) {
  CommitFootprint footprint;
  footprint.reads_whole_table = options.reads_whole_table;
  for (const Action& action : actions) {
    if (const auto* txn = std::get_if<Txn>(&action)) {
      footprint.app_ids.insert(txn->app_id);
    } else if (const auto* remove = std::get_if<RemoveFile>(&action)) {
      footprint.removed_paths.insert(remove->path);
      if (remove->data_change) footprint.reads_whole_table = true;
    } else if (std::holds_alternative<Metadata>(action) || std::holds_alternative<Protocol>(action)) {
      footprint.changes_metadata = true;
    }
  }
  return footprint;
}

/// Why the winning commit `winner` makes ours invalid, or nothing if ours still
/// applies on top of it (PROTOCOL.md and Spark's ConflictChecker):
/// - a winner that changes the protocol or the metadata conflicts with everything;
/// - a winner's txn for an appId we also record conflicts (exactly-once);
/// - a winner's remove of a file we remove conflicts (delete-delete);
/// - if we change the metadata, any concurrent change conflicts;
/// - if our commit was computed from the table's data (a remove with dataChange,
///   RESTORE), any concurrent add or remove conflicts (serializable);
/// - otherwise adds commute: blind appends and compactions (dataChange=false
///   removes, OPTIMIZE) both go through against concurrent appends.
std::optional<std::string> FindConflict(const std::vector<Action>& winner, const CommitFootprint& ours) {
  bool winner_changes_files = false;
  bool winner_has_actions = false;
  for (const Action& action : winner) {
    if (std::holds_alternative<CommitInfo>(action)) continue;
    winner_has_actions = true;
    if (std::holds_alternative<Metadata>(action)) return "it changed the table's metadata";
    if (std::holds_alternative<Protocol>(action)) return "it changed the table's protocol";
    if (const auto* txn = std::get_if<Txn>(&action); txn && ours.app_ids.contains(txn->app_id)) {
      return "it also records a txn for appId '" + txn->app_id + "' (version " + std::to_string(txn->version) + ")";
    }
    if (const auto* remove = std::get_if<RemoveFile>(&action)) {
      if (ours.removed_paths.contains(remove->path)) return "it also removed file " + remove->path;
      winner_changes_files = true;
    }
    if (std::holds_alternative<AddFile>(action)) winner_changes_files = true;
  }
  if (ours.changes_metadata && winner_has_actions) return "we change the table's metadata and it changed the table";
  if (ours.reads_whole_table && winner_changes_files) {
    return "our commit was computed from the table's files and it added or removed files concurrently";
  }
  return std::nullopt;
}

/// Spark's rule: a blind append adds files and reads nothing it could invalidate.
bool IsBlindAppend(const std::vector<Action>& actions) {
  for (const Action& action : actions) {
    if (!std::holds_alternative<AddFile>(action) && !std::holds_alternative<Txn>(action)) return false;
  }
  return true;
}

bool IsAppendOnly(const Metadata& metadata) {
  const auto it = metadata.configuration.find("delta.appendOnly");
  return it != metadata.configuration.end() && it->second == "true";
}

Status ValidateActions(const std::vector<Action>& actions, const Snapshot& snapshot, std::string_view table) {
  std::set<std::string> added, removed;
  for (const Action& action : actions) {
    if (std::holds_alternative<CommitInfo>(action)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "commit to " + std::string(table) + " carries a commitInfo action; pass it as `info`");
    }
    if (const auto* add = std::get_if<AddFile>(&action)) {
      if (add->path.empty() || !added.insert(add->path).second) {
        return MakeError(ErrorCode::kInvalidArgument, "commit to " + std::string(table) +
                                                          " adds an empty or duplicate path '" + add->path + "'");
      }
    }
    if (const auto* remove = std::get_if<RemoveFile>(&action)) {
      if (remove->path.empty() || !removed.insert(remove->path).second) {
        return MakeError(ErrorCode::kInvalidArgument, "commit to " + std::string(table) +
                                                          " removes an empty or duplicate path '" + remove->path + "'");
      }
      // Writer version 2: an append-only table never loses data.
      if (remove->data_change && IsAppendOnly(snapshot.metadata)) {
        return MakeError(ErrorCode::kInvalidArgument, "table " + std::string(table) +
                                                          " is append-only (delta.appendOnly=true) but the commit "
                                                          "removes file " + remove->path);
      }
    }
    if (const auto* protocol = std::get_if<Protocol>(&action)) {
      JSM_RETURN_IF_ERROR(CheckProtocolSupported(*protocol, table));
    }
  }
  return Status::Ok();
}

/// Writes a checkpoint when the table's version is a multiple of delta.checkpointInterval.
/// A failed checkpoint is logged, never an error of the commit: the log alone stays complete.
void CheckpointIfDue(DeltaTable* table) {
  const int64_t version = table->version();
  auto properties = ReadTableProperties(table->snapshot().metadata);
  const int64_t interval = properties ? properties->checkpoint_interval : 10;
  if (version <= 0 || interval <= 0 || version % interval != 0) return;
  auto checkpoint = table->Checkpoint();
  if (!checkpoint) {
    Log().warn("table {}: checkpoint of version {} failed (the commit stands): {}", table->Location(), version,
               checkpoint.error().ToString());
  }
}

}  // namespace

Result<int64_t> DeltaTable::Commit(std::vector<Action> actions, CommitInfo info, const CommitOptions& options) {
  JSM_CHECK_GE(snapshot_.version, 0);
  // We may read tables we cannot write (reader features such as v2Checkpoint need writer version 7).
  JSM_RETURN_IF_ERROR(CheckProtocolSupported(snapshot_.protocol, Describe()));
  JSM_RETURN_IF_ERROR(ValidateActions(actions, snapshot_, Describe()));
  if (info.timestamp == 0) info.timestamp = NowMillis();
  if (info.engine_info.empty()) info.engine_info = std::string(kEngineInfo);
  info.is_blind_append = IsBlindAppend(actions);
  const CommitFootprint footprint = FootprintOf(actions, options);

  std::vector<Action> commit;
  commit.reserve(actions.size() + 1);
  commit.emplace_back(std::move(info));
  for (Action& action : actions) commit.push_back(std::move(action));
  const std::string text = SerializeActions(commit);

  int64_t version = snapshot_.version + 1;
  JSM_RETURN_IF_ERROR(CheckLogText(text, Describe(), version));
  last_commit_conflicts_ = 0;
  for (int attempt = 0;; ++attempt) {
    auto written = store_->PutIfAbsent(Key(CommitFileName(version)), text);
    if (written) {
      JSM_RETURN_IF_ERROR(ApplyCommit(version, commit, Describe(), &snapshot_));
      CheckpointIfDue(this);
      return version;
    }
    if (written.error().code() != ErrorCode::kAlreadyExists) {
      return std::unexpected(written.error().WithContext("committing version " + std::to_string(version) +
                                                         " of table " + Describe()));
    }
    ++last_commit_conflicts_;  // the version was taken: a commit conflict
    if (attempt >= options.max_retries) {
      return MakeError(ErrorCode::kConflict, "gave up committing to table " + Describe() + " after " +
                                                 std::to_string(attempt + 1) +
                                                 " attempts: other writers keep taking the next version (last tried " +
                                                 std::to_string(version) + ")");
    }
    // Someone else wrote `version`: catch up with it, then see whether ours still holds.
    JSM_ASSIGN_OR_RETURN(const CommitEntry winner, ReadCommit(version));
    JSM_RETURN_IF_ERROR(ApplyCommit(version, winner.actions, Describe(), &snapshot_));
    if (std::optional<std::string> conflict = FindConflict(winner.actions, footprint)) {
      return MakeError(ErrorCode::kConflict, "commit to table " + Describe() + " conflicts with version " +
                                                 std::to_string(version) + " written concurrently: " + *conflict);
    }
    ++version;
  }
}

}  // namespace jsm::delta
