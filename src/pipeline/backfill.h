#pragma once
/// Backfill: rebuilding silver and quarantine from bronze as of a version (time
/// travel), with the current normalization and expectations, and the Delta
/// bookkeeping that makes it exactly-once and crash-safe.
///
/// A rebuild replaces each table's contents in ONE commit (Delta overwrite:
/// remove every live file with dataChange=true, add the new files; commitInfo
/// operation WRITE, mode Overwrite), so readers see the old or the new contents,
/// never a mix, and time travel to the old contents still works. Both commits
/// carry txn "jsm-refine" = the bronze version V (a later incremental run
/// continues at V+1) and txn "jsm-rebuild" = an id of this rebuild: quarantine is
/// committed first, then silver; a quarantine whose "jsm-rebuild" differs from
/// silver's is a rebuild interrupted between the two commits, which the refine
/// stage refuses to continue from (run the rebuild again: it converges).
/// The refine stage's RebuildFromBronze (defined in backfill.cc) does the work.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "delta/table.h"

namespace jsm::pipeline {

/// txn appId of a rebuild's id in silver and quarantine overwrite commits.
inline constexpr const char* kRebuildAppId = "jsm-rebuild";
/// commitInfo.operationParameters key naming the bronze version a rebuild read.
inline constexpr const char* kRebuildBronzeVersionParameter = "rebuildFromBronzeVersion";

/// One bronze data file a rebuild reads, with the version that added it.
struct BronzeFileToRead {
  delta::AddFile add;
  int64_t version = -1;  ///< -1 when the adding commit's log file was cleaned up (known from a checkpoint)
};

/// Everything a rebuild from bronze version V reads.
struct BronzeRebuildPlan {
  int64_t bronze_version = -1;
  int64_t latest_bronze_version = -1;
  std::vector<BronzeFileToRead> files;  ///< in the order their rows were appended
  int64_t rows = 0;                     ///< Σ numRecords of the files
  std::unique_ptr<delta::DeltaTable> bronze_at_version;  ///< bronze as of `bronze_version`, to read the files with
};

/// Checks that bronze can be rebuilt from `version` and lists its files, writing
/// nothing. Refuses (kInvalidArgument / kNotFound, saying why) when: bronze does
/// not exist; `version` is negative or after the latest bronze version; the log
/// can no longer reconstruct `version` (its commits were cleaned up before the
/// oldest readable checkpoint); one of its data files is gone (VACUUM); or a
/// later bronze commit removes data (jsm erase): rebuilding from before an erase
/// would bring erased rows back into silver.
Result<BronzeRebuildPlan> PlanBronzeRebuild(storage::ObjectStore* store, const std::string& bronze_path,
                                            int64_t version);

/// The actions of an overwrite of `snapshot`: a remove (dataChange=true) of every
/// live file, then `adds`, then `extra` (e.g. txns).
std::vector<delta::Action> OverwriteActions(const delta::Snapshot& snapshot, std::vector<delta::AddFile> adds,
                                            std::vector<delta::Action> extra, int64_t now_ms);

/// commitInfo of a rebuild's overwrite: operation WRITE, mode Overwrite, the bronze version read.
delta::CommitInfo RebuildCommitInfo(int64_t bronze_version);

/// True if `info` is a rebuild's overwrite: the table's books (reconciliation
/// metrics) restart at this commit.
bool IsRebuildOverwrite(const delta::CommitInfo& info);

/// The bronze version of a rebuild interrupted between its quarantine and its
/// silver commit (their "jsm-rebuild" txns differ), or -1 when there is none.
int64_t InterruptedRebuild(const delta::DeltaTable& silver, const delta::DeltaTable& quarantine);

}  // namespace jsm::pipeline
