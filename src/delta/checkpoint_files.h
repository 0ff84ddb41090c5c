#pragma once
/// Naming and finding checkpoints in a table's log (PROTOCOL.md, "Checkpoints"):
/// classic `<v>.checkpoint.parquet`, multi-part `<v>.checkpoint.<o>.<p>.parquet`
/// and UUID-named V2 `<v>.checkpoint.<uuid>.json|parquet`, and choosing the newest
/// complete one a reader may start from.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/object_store.h"

namespace jsm::delta {

/// How a checkpoint's files are named.
enum class CheckpointKind {
  kClassic,    ///< one `<v>.checkpoint.parquet` (V1, or V2 spec with sidecars)
  kMultiPart,  ///< `<v>.checkpoint.<o>.<p>.parquet`, parts 1..p (always V1)
  kUuid,       ///< `<v>.checkpoint.<uuid>.json|parquet` (V2 spec)
};

/// What a checkpoint file name says.
struct CheckpointName {
  int64_t version = -1;
  CheckpointKind kind = CheckpointKind::kClassic;
  int part = 0;   ///< multi-part: this part, 1-based
  int parts = 0;  ///< multi-part: how many parts
};

/// Parses a file name in `_delta_log` (no directory); nullopt if it is not a checkpoint.
std::optional<CheckpointName> ParseCheckpointName(std::string_view name);

/// A complete checkpoint: its version, kind, and the file names (in `_delta_log`)
/// that hold it, parts in order.
struct CheckpointFiles {
  int64_t version = -1;
  CheckpointKind kind = CheckpointKind::kClassic;
  std::vector<std::string> names;
};

/// The newest complete checkpoint at or before `max_version` among the file
/// names `names` of a log; multi-part checkpoints with a missing part are
/// ignored, as the protocol requires. Of several checkpoints of one version,
/// a classic one is preferred, then a UUID-named one, then a multi-part one.
std::optional<CheckpointFiles> NewestCompleteCheckpoint(const std::vector<std::string>& names, int64_t max_version);

/// The newest complete checkpoint at or before `max_version` of the table whose
/// log is under `log_prefix` ("<table>/_delta_log/"), or nullopt: the one
/// `_last_checkpoint` names when it exists and is not after `max_version`,
/// otherwise by listing the log.
Result<std::optional<CheckpointFiles>> FindCheckpoint(storage::ObjectStore* store, const std::string& log_prefix,
                                                      int64_t max_version);

}  // namespace jsm::delta
