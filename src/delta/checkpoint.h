#pragma once
/// Checkpoints (PROTOCOL.md, "Checkpoints"): we write classic single-file V1
/// checkpoints, the state of a table at one version as a Parquet file
/// `_delta_log/<version>.checkpoint.parquet` with one action per row (protocol,
/// metaData, txn, add, remove columns, in the schema Spark and delta-rs write and
/// read), and the `_delta_log/_last_checkpoint` pointer to the newest one. We read
/// those, multi-part ones, and V2 ones (UUID-named, JSON or Parquet, with sidecar
/// files). See docs/delta.md, "Checkpoints".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "delta/checkpoint_files.h"
#include "delta/table.h"
#include "storage/object_store.h"

namespace jsm::delta {

/// The content of `_last_checkpoint`.
struct LastCheckpoint {
  int64_t version = -1;
  int64_t size = 0;            ///< actions (rows) in the checkpoint
  int64_t size_in_bytes = -1;  ///< of the checkpoint file; -1 when unknown
  int64_t num_of_add_files = -1;
  int64_t parts = -1;  ///< parts of a multi-part checkpoint; -1 when absent
};

/// Checkpoint file name of a version: "_delta_log/00000000000000000010.checkpoint.parquet".
std::string CheckpointFileName(int64_t version);

/// Version of a classic checkpoint file name "<20 digits>.checkpoint.parquet", or -1.
int64_t CheckpointVersionOf(std::string_view name);

/// The Parquet bytes of a checkpoint of `snapshot`: its protocol, metaData, txns,
/// active adds and the tombstones deleted after `tombstone_cutoff_ms`. Sets
/// `actions` to the number of rows.
Result<std::string> EncodeCheckpoint(const Snapshot& snapshot, int64_t tombstone_cutoff_ms, int64_t* actions);

/// The snapshot a single checkpoint file of `version` holds (timestamp_ms stays 0).
/// Columns other than the actions' fields we model (stats_parsed, tags,
/// deletion vectors, ...) are not read. kCorruption names `file_name`; a V2
/// checkpoint that refers to sidecar files is kInvalidArgument (use ReadCheckpoint).
Result<Snapshot> DecodeCheckpoint(std::string_view bytes, int64_t version, std::string_view file_name);

/// `_last_checkpoint` as JSON.
std::string LastCheckpointJson(const LastCheckpoint& last);
/// Parses `_last_checkpoint` (its `v2Checkpoint` and `checksum` fields are not
/// needed: the files are found by listing); kCorruption when it is not the JSON
/// object the protocol describes.
Result<LastCheckpoint> ParseLastCheckpoint(std::string_view json);

/// Reads the checkpoint `checkpoint` (found by FindCheckpoint) under `log_prefix`:
/// every part of a multi-part one, and the sidecar files a V2 one refers to (in
/// `_delta_log/_sidecars/`). kUnsupported if its protocol needs reader features we
/// lack; `table` names the table in errors.
Result<Snapshot> ReadCheckpoint(storage::ObjectStore* store, const std::string& log_prefix,
                                const CheckpointFiles& checkpoint, std::string_view table);

}  // namespace jsm::delta
