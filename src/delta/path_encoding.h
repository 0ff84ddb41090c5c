#pragma once
/// Percent-encoding of data file paths in add/remove actions: the protocol stores
/// them as RFC 2396 URIs, so a path with a space or '%' is escaped in the log.

#include <string>
#include <string_view>

#include "common/status.h"

namespace jsm::delta {

/// Escapes every byte outside letters, digits, "-_.~/=" as %XX.
std::string EncodePath(std::string_view path);

/// Undoes %XX escapes; a malformed escape is kCorruption.
Result<std::string> DecodePath(std::string_view uri_path);

}  // namespace jsm::delta
