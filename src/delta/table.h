#pragma once
/// A Delta table on an ObjectStore: snapshot reconstruction from the JSON log,
/// put-if-absent commits with optimistic-concurrency retry, data files written
/// as Parquet with stats, and incremental reads of a table's new commits.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/record_batch.h"
#include "delta/actions.h"
#include "parquet/writer.h"
#include "storage/object_store.h"

namespace jsm::delta {

struct LastCheckpoint;  // delta/checkpoint.h

/// A table's state at one version.
struct Snapshot {
  int64_t version = -1;  ///< -1: the table does not exist yet
  Protocol protocol;
  Metadata metadata;
  std::map<std::string, AddFile> files;  ///< active files by path
  std::map<std::string, int64_t> app_versions;  ///< txn: appId -> version
  std::map<std::string, RemoveFile> tombstones;  ///< removed files by path (for checkpoints)
  int64_t timestamp_ms = 0;  ///< of the latest commit
};

/// The actions of one committed version.
struct CommitEntry {
  int64_t version = 0;
  std::vector<Action> actions;
};

/// Options for writing commits.
struct CommitOptions {
  int max_retries = 20;  ///< attempts at later versions after a concurrent commit
  /// The commit was computed from the whole table's contents (RESTORE, an
  /// overwrite): any concurrent change of the file set conflicts (serializable).
  bool reads_whole_table = false;
};

/// A handle on one Delta table. Not thread-safe; one per thread.
class DeltaTable {
 public:
  /// Opens an existing table at `table_path` (relative to the store root) at its
  /// latest version. kNotFound if it has no _delta_log.
  static Result<std::unique_ptr<DeltaTable>> Open(storage::ObjectStore* store, std::string table_path);

  /// Opens the table, creating it (version 0: protocol + metaData + commitInfo)
  /// if absent. If it exists, its schema must equal `schema` (kInvalidArgument otherwise).
  static Result<std::unique_ptr<DeltaTable>> OpenOrCreate(storage::ObjectStore* store,
                                                          std::string table_path, std::string name,
                                                          const Schema& schema,
                                                          std::vector<std::string> partition_columns = {});

  const Snapshot& snapshot() const { return snapshot_; }
  const std::string& path() const { return path_; }
  int64_t version() const { return snapshot_.version; }
  const Schema& schema() const { return snapshot_.metadata.schema; }
  /// Version recorded by `app_id` in txn actions, or -1.
  int64_t AppVersion(const std::string& app_id) const;

  /// Reads commits after the current snapshot and applies them. Returns true if
  /// the version moved.
  Result<bool> Refresh();

  /// Latest version in the log (by listing), without applying it.
  Result<int64_t> LatestVersion() const;

  /// Opens the table as it was at `version` (time travel). kNotFound, naming the
  /// table and the versions available, if that version does not exist or its
  /// commits were cleaned up.
  static Result<std::unique_ptr<DeltaTable>> OpenAtVersion(storage::ObjectStore* store, std::string table_path,
                                                           int64_t version);
  /// Opens the table at the latest version whose commit timestamp is at or before
  /// `timestamp_ms`. kNotFound if the table did not exist yet at that time.
  static Result<std::unique_ptr<DeltaTable>> OpenAtTimestamp(storage::ObjectStore* store, std::string table_path,
                                                             int64_t timestamp_ms);

  /// The object store and the table's key prefix, for maintenance operations.
  storage::ObjectStore* store() const { return store_; }
  /// Store key of `relative`, a path under the table root.
  std::string ObjectKey(std::string_view relative) const { return Key(relative); }
  /// "<store>/<table path>", for messages.
  std::string Location() const { return Describe(); }

  /// Writes `batch` (all columns of the table) as data files, one per distinct
  /// tuple of partition values, each under its Hive-style directory
  /// ("col=value/"); returns their add actions, not yet committed.
  Result<std::vector<AddFile>> WriteDataFiles(const RecordBatch& batch, const parquet::WriterOptions& options);
  /// Writes `data` (the table's columns less its partition columns) as one data
  /// file of the partition `partition_values`; returns its add action.
  Result<AddFile> WritePartitionFile(const RecordBatch& data, const std::map<std::string, std::string>& partition_values,
                                     const parquet::WriterOptions& options);

  /// Reads the actions of committed version `version`.
  Result<CommitEntry> ReadCommit(int64_t version) const;

  /// Writes `batch` as a new Parquet data file under the table and returns its
  /// add action (with stats); not yet committed.
  Result<AddFile> WriteDataFile(const RecordBatch& batch, const parquet::WriterOptions& options);

  /// Reads one data file of this table (projection by column names; empty = all,
  /// in schema order). Partition columns are filled from the file's add action,
  /// and nullable columns the file lacks (added by schema evolution) with nulls.
  Result<RecordBatch> ReadDataFile(const std::string& path, const std::vector<std::string>& columns = {}) const;

  /// Commits `actions` (plus `info` as commitInfo) as the next version, put-if-absent.
  /// On a concurrent commit it re-reads the log; blind appends retry at the next
  /// version; a concurrent txn for an appId we also write, a metadata/protocol
  /// change, a concurrent remove of a file we remove, or (when our commit was
  /// computed from the table's data: removes with dataChange, or
  /// options.reads_whole_table) any concurrent add/remove is kConflict, with the
  /// winner applied to the snapshot. Compactions (dataChange=false) commute with appends. Removes with dataChange on a delta.appendOnly table are refused.
  /// Returns the committed version and updates the snapshot.
  Result<int64_t> Commit(std::vector<Action> actions, CommitInfo info, const CommitOptions& options = {});

  /// Commit conflicts of the latest Commit call: how many times the version it tried
  /// was already taken by another writer (each lost put-if-absent race counts one,
  /// whether the commit then retried at the next version or failed with kConflict).
  int64_t last_commit_conflicts() const { return last_commit_conflicts_; }

  /// Writes a checkpoint of the current snapshot (`_delta_log/<version>.checkpoint.parquet`
  /// and `_last_checkpoint`), then deletes expired log files (delta.logRetentionDuration).
  /// Commit calls it every delta.checkpointInterval versions. Defined in checkpoint.cc.
  Result<LastCheckpoint> Checkpoint();

 private:
  DeltaTable(storage::ObjectStore* store, std::string path) : store_(store), path_(std::move(path)) {}
  Status LoadLatest();
  /// Replays the log up to and including `version` into the snapshot.
  Status LoadVersion(int64_t version);
  /// Store key of `relative`, a path under the table root.
  std::string Key(std::string_view relative) const;
  /// Versions of the commit files in _delta_log, ascending; with `checkpoint_names`,
  /// also the names of the checkpoint files found by the same listing.
  Result<std::vector<int64_t>> ListCommitVersions(std::vector<std::string>* checkpoint_names = nullptr) const;
  /// "<store>/<table path>", for messages.
  std::string Describe() const;

  storage::ObjectStore* store_;
  std::string path_;
  Snapshot snapshot_;
  int64_t last_commit_conflicts_ = 0;
};

/// Log file name of a version: "_delta_log/00000000000000000012.json".
std::string CommitFileName(int64_t version);

}  // namespace jsm::delta
