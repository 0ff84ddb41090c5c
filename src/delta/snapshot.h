#pragma once
/// Snapshot reconstruction (PROTOCOL.md, "Action Reconciliation"): applying the
/// actions of each version in order, and refusing protocols we cannot honour.

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "delta/actions.h"
#include "delta/table.h"

namespace jsm::delta {

/// Highest reader and writer protocol versions we implement.
inline constexpr int kMaxReaderVersion = 1;
inline constexpr int kMaxWriterVersion = 2;

/// Reader features (reader version 3) we implement for reading: a table needing
/// only these is read; writing to it stays refused (writer version 7).
inline constexpr std::string_view kReadableReaderFeatures[] = {"v2Checkpoint"};

/// kUnsupported, naming `table` and the features missing, if reading a table with
/// `protocol` needs more than we implement: reader version 1, or 3 with only the
/// kReadableReaderFeatures. Writer versions and writer-only features do not matter to readers.
Status CheckReadSupported(const Protocol& protocol, std::string_view table);

/// kUnsupported, naming `table`, if reading or writing a table with `protocol` needs
/// more than we implement (writer version above kMaxWriterVersion included).
Status CheckProtocolSupported(const Protocol& protocol, std::string_view table);

/// Parses a commit file like ParseActions, but if it carries a protocol we do not
/// support, that is the error reported (before any action we cannot parse). An empty
/// or whitespace-only file, or one cut inside a line, is kCorruption naming `file_name`.
Result<std::vector<Action>> ParseCommit(std::string_view text, std::string_view file_name, std::string_view table);

/// Applies the actions of `version` (which must follow snapshot->version) to `snapshot`.
Status ApplyCommit(int64_t version, const std::vector<Action>& actions, std::string_view table, Snapshot* snapshot);

}  // namespace jsm::delta
