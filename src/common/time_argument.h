#pragma once
/// Parsing of time arguments given by people (--since, --timestamp): dates, times and ages.

#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace jsm {

/// Microseconds since the epoch for "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS][Z]" (UTC)
/// or an age before `now_us`: "<N>s", "<N>m", "<N>h", "<N>d".
Result<int64_t> ParseTimeArgument(std::string_view text, int64_t now_us);

}  // namespace jsm
