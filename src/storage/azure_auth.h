#pragma once
/// Shared Key authorization of Azure Blob requests: the string-to-sign built by the
/// documented canonicalization rules, and its HMAC-SHA256 signature. SAS needs no signing
/// here: the token is appended to the query string as given.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace jsm::storage {

/// A (name, value) pair of an HTTP header or a decoded query parameter.
using HttpField = std::pair<std::string, std::string>;

/// The parts of a request that Shared Key signs.
struct SignedRequest {
  std::string_view method;                ///< "GET", "PUT", ...
  std::string_view encoded_path;          ///< the URL's path as sent, percent-encoded, starting with '/'
  const std::vector<HttpField>* query;    ///< decoded query parameters (may be null)
  const std::vector<HttpField>* headers;  ///< every header sent, including x-ms-date and x-ms-version
  size_t content_length = 0;              ///< body bytes; 0 signs as an empty line
};

/// The Shared Key string-to-sign of the Blob service (versions 2015-02-21 and later):
/// VERB, the eleven standard headers, the canonicalized x-ms- headers and the canonicalized resource.
std::string SharedKeyStringToSign(std::string_view account, const SignedRequest& request);

/// Base64 HMAC-SHA256 of `string_to_sign` keyed with the base64-decoded account key.
/// kInvalidArgument when the key is not base64 (the message does not contain the key).
Result<std::string> SharedKeySignature(std::string_view account_key_base64, std::string_view string_to_sign);

}  // namespace jsm::storage
