#pragma once
/// Classic single-file checkpoints (PROTOCOL.md, "Checkpoints"): the state of a
/// table at one version as a Parquet file `_delta_log/<version>.checkpoint.parquet`
/// with one action per row (protocol, metaData, txn, add, remove columns, in the
/// schema Spark and delta-rs write and read), and the `_delta_log/_last_checkpoint`
/// pointer to the newest one. See docs/delta.md, "Checkpoints".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "delta/table.h"
#include "storage/object_store.h"

namespace jsm::delta {

/// The content of `_last_checkpoint`.
struct LastCheckpoint {
  int64_t version = -1;
  int64_t size = 0;            ///< actions (rows) in the checkpoint
  int64_t size_in_bytes = -1;  ///< of the checkpoint file; -1 when unknown
  int64_t num_of_add_files = -1;
};

/// Checkpoint file name of a version: "_delta_log/00000000000000000010.checkpoint.parquet".
std::string CheckpointFileName(int64_t version);

/// Version of a classic checkpoint file name "<20 digits>.checkpoint.parquet", or -1.
int64_t CheckpointVersionOf(std::string_view name);

/// The Parquet bytes of a checkpoint of `snapshot`: its protocol, metaData, txns,
/// active adds and the tombstones deleted after `tombstone_cutoff_ms`. Sets
/// `actions` to the number of rows.
Result<std::string> EncodeCheckpoint(const Snapshot& snapshot, int64_t tombstone_cutoff_ms, int64_t* actions);

/// The snapshot a checkpoint file of `version` holds (timestamp_ms stays 0).
/// Columns other than the actions' fields we model (stats_parsed, tags,
/// deletion vectors, ...) are not read. kCorruption names `file_name`.
Result<Snapshot> DecodeCheckpoint(std::string_view bytes, int64_t version, std::string_view file_name);

/// `_last_checkpoint` as JSON.
std::string LastCheckpointJson(const LastCheckpoint& last);
/// Parses `_last_checkpoint`; kCorruption when it is not the JSON object the protocol describes.
Result<LastCheckpoint> ParseLastCheckpoint(std::string_view json);

/// The newest checkpoint version at or before `max_version` of the table whose
/// log is under `log_prefix` ("<table>/_delta_log/"), or nullopt: `_last_checkpoint`
/// when it points at an existing file not after `max_version`, otherwise by listing.
Result<std::optional<int64_t>> FindCheckpoint(storage::ObjectStore* store, const std::string& log_prefix,
                                              int64_t max_version);

/// Reads the checkpoint of `version` under `log_prefix`; `table` names the table in errors.
Result<Snapshot> ReadCheckpoint(storage::ObjectStore* store, const std::string& log_prefix, int64_t version,
                                std::string_view table);

}  // namespace jsm::delta
