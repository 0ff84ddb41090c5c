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

/// kUnsupported, naming `table`, if reading or writing a table with `protocol` needs
/// more than we implement.
Status CheckProtocolSupported(const Protocol& protocol, std::string_view table);

/// Parses a commit file like ParseActions, but if it carries a protocol we do not
/// support, that is the error reported (before any action we cannot parse).
Result<std::vector<Action>> ParseCommit(std::string_view text, std::string_view file_name, std::string_view table);

/// Applies the actions of `version` (which must follow snapshot->version) to `snapshot`.
Status ApplyCommit(int64_t version, const std::vector<Action>& actions, std::string_view table, Snapshot* snapshot);

}  // namespace jsm::delta
