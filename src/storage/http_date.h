#pragma once
/// HTTP dates (RFC 7231 IMF-fixdate, "Tue, 24 Nov 2026 03:10:20 GMT"), as Azure's x-ms-date and Last-Modified
/// use.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace jsm::storage {

/// Formats seconds since the epoch as an IMF-fixdate (locale independent).
std::string FormatHttpDate(int64_t unix_seconds);

/// Parses an IMF-fixdate into milliseconds since the epoch.
Result<int64_t> ParseHttpDateMillis(std::string_view text);

}  // namespace jsm::storage
