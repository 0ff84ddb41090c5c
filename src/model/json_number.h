#pragma once
/// The JSON number grammar (RFC 8259 section 6), shared by the event encoder
/// (which emits Price/Quantity as numbers only when valid) and the parser.

#include <string_view>

namespace jsm::model {

/// True if `text` is exactly one JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
/// No surrounding whitespace, no leading '+', no leading zeros.
bool IsJsonNumber(std::string_view text);

}  // namespace jsm::model
