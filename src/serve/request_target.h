#pragma once
/// The request target of an HTTP request ("/api/tables/gold/x?limit=5&filter=a%20%3D%201"),
/// split into its percent-decoded path and query parameters. Outside input: any bytes give a
/// target or a clear error (tests/fuzz/request_target_fuzz.cc).

#include <map>
#include <string>
#include <string_view>

#include "common/status.h"

namespace jsm::serve {

struct RequestTarget {
  std::string path;                                 ///< decoded, e.g. "/api/tables/gold/x"
  std::multimap<std::string, std::string> params;   ///< decoded names and values, '+' as a space
};

/// kInvalidArgument for a target that is not origin-form (no leading '/'), a '%' not followed
/// by two hex digits, or a decoded NUL byte. Bytes that decode to anything else are kept as
/// they are (the router checks names; error bodies make them valid UTF-8).
Result<RequestTarget> ParseRequestTarget(std::string_view target);

}  // namespace jsm::serve
