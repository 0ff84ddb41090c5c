#pragma once
/// Row-level deletion by file rewrite (copy-on-write DELETE): every active file
/// holding at least one matching row is replaced, in one commit, by a remove
/// (dataChange=true) and an add of a new file with the other rows; files without
/// a match are left untouched. Old files stay on storage, readable by time
/// travel, until VACUUM deletes them after delta.deletedFileRetentionDuration.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "delta/table.h"

namespace jsm::delta {

/// Marks rows to delete: `batch` holds the match columns of one file (in the order
/// given to RewriteOptions::match_columns); sets (*doomed)[row] = 1 for each row to
/// delete (`doomed` arrives sized to the batch, all zero).
using RowMatcher = std::function<Status(const RecordBatch& batch, std::vector<uint8_t>* doomed)>;

/// How to rewrite.
struct RewriteOptions {
  std::vector<std::string> match_columns;  ///< columns the matcher reads (a projection: cheap)
  bool dry_run = false;                    ///< find and count, write and commit nothing
  std::string predicate;                   ///< commitInfo.operationParameters.predicate (no personal data)
  std::vector<Action> extra_actions;       ///< committed with the rewrite (e.g. a txn)
  std::map<std::string, std::string> extra_metrics;  ///< added to commitInfo.operationMetrics
  /// Commit the extra actions and metrics (operation DELETE, no files) even when no row matches.
  bool commit_when_no_match = false;
  parquet::WriterOptions writer;
};

/// A file the rewrite removed.
struct RemovedFile {
  std::string path;
  int64_t size = 0;
  int64_t rows_deleted = 0;
};

/// What a rewrite did (or, in a dry run, would do).
struct RewriteMetrics {
  int64_t files_scanned = 0;
  int64_t rows_deleted = 0;
  int64_t rows_copied = 0;   ///< other rows of the rewritten files, written again
  int64_t files_added = 0;
  std::vector<RemovedFile> removed;
  int64_t version = -1;      ///< committed version; -1 when nothing matched or dry run
  int64_t committed_at_ms = 0;
};

/// Deletes the rows `matcher` marks from `table`, as one DELETE commit. No commit
/// when nothing matches (unless options.commit_when_no_match). A concurrent change of the table's files is kConflict
/// (nothing of ours is visible; run again).
Result<RewriteMetrics> DeleteRows(DeltaTable* table, const RowMatcher& matcher, RewriteOptions options);

/// True if `commit` removes data files with dataChange=true (a DELETE, an
/// overwrite): its adds are rewritten rows, not new appends.
bool RemovesData(const CommitEntry& commit);

/// The commit's operationMetrics.numDeletedRows (0 when absent).
int64_t DeletedRows(const CommitEntry& commit);

}  // namespace jsm::delta
