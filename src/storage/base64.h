#pragma once
/// Standard base64 (RFC 4648, with padding), as Azure uses for keys, signatures and block ids.

#include <string>
#include <string_view>

#include "common/status.h"

namespace jsm::storage {

/// Encodes bytes as base64 with '=' padding.
std::string Base64Encode(std::string_view bytes);

/// Decodes padded base64; kInvalidArgument on a character outside the alphabet or a bad length.
Result<std::string> Base64Decode(std::string_view text);

}  // namespace jsm::storage
