#include "storage/azure_auth.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <map>

#include "storage/base64.h"

namespace jsm::storage {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

/// Value of a header (case-insensitive name), or "".
std::string_view HeaderValue(const std::vector<HttpField>* headers, std::string_view name) {
  if (headers == nullptr) return {};
  const std::string wanted = Lower(name);
  for (const auto& [key, value] : *headers) {
    if (Lower(key) == wanted) return value;
  }
  return {};
}

/// Trims, and folds runs of whitespace outside quotes into one space, as the canonical header rules say.
std::string CanonicalHeaderValue(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  std::string out;
  out.reserve(value.size());
  bool quoted = false;
  for (const char c : value) {
    if (c == '"') quoted = !quoted;
    if (!quoted && (c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
      if (!out.empty() && out.back() == ' ') continue;
      out.push_back(' ');
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string SharedKeyStringToSign(std::string_view account, const SignedRequest& request) {
  std::string out;
  out.reserve(256);
  out.append(request.method).push_back('\n');
  for (const std::string_view name : {"Content-Encoding", "Content-Language"}) {
    out.append(HeaderValue(request.headers, name)).push_back('\n');
  }
  if (request.content_length > 0) out.append(std::to_string(request.content_length));
  out.push_back('\n');
  for (const std::string_view name : {"Content-MD5", "Content-Type", "Date", "If-Modified-Since", "If-Match",
                                      "If-None-Match", "If-Unmodified-Since", "Range"}) {
    out.append(HeaderValue(request.headers, name)).push_back('\n');
  }
  // Canonicalized headers: x-ms-* lowercased, sorted by name, "name:value\n".
  std::map<std::string, std::string> ms_headers;
  if (request.headers != nullptr) {
    for (const auto& [name, value] : *request.headers) {
      std::string lower = Lower(name);
      if (lower.starts_with("x-ms-")) ms_headers[std::move(lower)] = CanonicalHeaderValue(value);
    }
  }
  for (const auto& [name, value] : ms_headers) out.append(name).append(":").append(value).push_back('\n');
  // Canonicalized resource: /account/encoded-path, then each query name (lowercased, sorted)
  // with its values sorted and comma-joined.
  out.append("/").append(account).append(request.encoded_path);
  std::map<std::string, std::vector<std::string>> params;
  if (request.query != nullptr) {
    for (const auto& [name, value] : *request.query) params[Lower(name)].push_back(value);
  }
  for (auto& [name, values] : params) {
    std::sort(values.begin(), values.end());
    out.append("\n").append(name).append(":");
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out.push_back(',');
      out.append(values[i]);
    }
  }
  return out;
}

Result<std::string> SharedKeySignature(std::string_view account_key_base64, std::string_view string_to_sign) {
  auto key = Base64Decode(account_key_base64);
  if (!key || key->empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "the Azure storage account key is not valid base64");
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  if (HMAC(EVP_sha256(), key->data(), static_cast<int>(key->size()),
           reinterpret_cast<const unsigned char*>(string_to_sign.data()), string_to_sign.size(), digest,
           &digest_size) == nullptr) {
    return MakeError(ErrorCode::kInternal, "HMAC-SHA256 of the Shared Key signature failed");
  }
  return Base64Encode(std::string_view(reinterpret_cast<const char*>(digest), digest_size));
}

}  // namespace jsm::storage
