#pragma once
/// The last guard before a Delta log file is written: every line must be valid
/// UTF-8 and parse back as one JSON object. A bug that lets raw bytes into a line
/// (a stats bound, a path) then fails that one commit, loudly, instead of writing
/// a version that no reader (delta-rs, Spark, us) can open.

#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace jsm::delta {

/// Checks the newline-delimited actions `text` meant for version `version` of
/// `table`. kInternal naming the table, the version, the line and its action
/// ("add", "commitInfo", ...) when a line is not UTF-8 or not a JSON object.
Status CheckLogText(std::string_view text, std::string_view table, int64_t version);

/// Checks that `text`, a string we are about to store in a checkpoint (or any
/// other log artefact) as field `what`, is valid UTF-8; when `json` is set, also
/// that it parses as JSON. kInternal naming `what` otherwise.
Status CheckLogString(std::string_view text, std::string_view what, bool json = false);

}  // namespace jsm::delta
