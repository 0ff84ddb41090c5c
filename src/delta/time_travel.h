#pragma once
/// Time travel (PROTOCOL.md, "Commit Provenance" and timestamps): the commit
/// timestamp of each version, and resolving a timestamp to a version.

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "delta/table.h"

namespace jsm::delta {

/// A version and its commit timestamp.
struct VersionTimestamp {
  int64_t version = 0;
  int64_t timestamp_ms = 0;  ///< ms since epoch
};

/// Commit timestamps of the versions whose commit files are in the log, ascending.
/// Without in-commit timestamps the protocol's commit time is the commit file's
/// modification time; like Spark, a time not after its predecessor's is moved to
/// 1 ms after it, so timestamps increase with versions.
Result<std::vector<VersionTimestamp>> ReadCommitTimestamps(const DeltaTable& table);

/// The latest version with a commit timestamp <= `timestamp_ms`, from `timestamps`;
/// kNotFound naming `table` if every commit is later, kInvalidArgument if
/// `timestamp_ms` is after the latest commit (Spark refuses it too: a later
/// commit could still change the answer).
Result<int64_t> VersionAtTimestamp(const std::vector<VersionTimestamp>& timestamps, int64_t timestamp_ms,
                                   std::string_view table);

}  // namespace jsm::delta
