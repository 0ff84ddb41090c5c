#include "serve/access_control.h"

#include <charconv>

namespace jsm::serve {
namespace {

/// Compares without an early exit on the first differing byte (the length may show).
bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (size_t i = 0; i < a.size(); ++i) difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  return difference == 0;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

/// Four dot-separated decimal numbers of 0..255: "192.168.0.10".
bool IsIpv4Literal(std::string_view text) {
  int parts = 0;
  while (parts < 4) {
    int value = -1;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    const size_t used = static_cast<size_t>(end - text.data());
    if (error != std::errc() || used == 0 || used > 3 || value > 255) return false;
    text.remove_prefix(used);
    ++parts;
    if (parts < 4) {
      if (!text.starts_with('.')) return false;
      text.remove_prefix(1);
    }
  }
  return text.empty();
}

}  // namespace

bool IsLoopbackHost(std::string_view host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

Result<ListenAddress> ParseListenAddress(std::string_view text) {
  ListenAddress address;
  std::string_view port;
  if (text.starts_with('[')) {
    const size_t close = text.find("]:");
    if (close == std::string_view::npos) return MakeError(ErrorCode::kInvalidArgument, "--listen " + std::string(text) + ": use [V6ADDR]:PORT");
    address.host = std::string(text.substr(1, close - 1));
    port = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
      return MakeError(ErrorCode::kInvalidArgument, "--listen " + std::string(text) + ": use HOST:PORT, e.g. 127.0.0.1:8080");
    }
    address.host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
  }
  const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), address.port);
  if (error != std::errc() || end != port.data() + port.size() || address.port < 0 || address.port > 65535) {
    return MakeError(ErrorCode::kInvalidArgument, "--listen " + std::string(text) + ": the port must be 0..65535 (0 = any free port)");
  }
  return address;
}

Status AccessControl::Validate() const {
  if (!loopback_ && token_.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "listening beyond loopback needs a token: --token or the JSM_SERVE_TOKEN environment variable");
  }
  return Status::Ok();
}

bool AccessControl::Allows(std::string_view path, std::string_view authorization, std::string_view query_token) const {
  if (token_.empty() || path == "/healthz") return true;
  // The scheme is case-insensitive (RFC 9110, 11.1): "Bearer", "bearer", "BEARER".
  constexpr std::string_view kBearer = "bearer ";
  if (authorization.size() > kBearer.size() && EqualsIgnoringCase(authorization.substr(0, kBearer.size()), kBearer)) {
    std::string_view credentials = authorization.substr(kBearer.size());
    while (credentials.starts_with(' ')) credentials.remove_prefix(1);
    if (ConstantTimeEquals(credentials, token_)) return true;
  }
  return !query_token.empty() && ConstantTimeEquals(query_token, token_);
}

bool AccessControl::AllowsHost(std::string_view host_header) const {
  if (host_header.empty()) return true;
  std::string_view host = host_header;
  if (host.starts_with('[')) {
    // An IPv6 literal, "[::1]:8080": hex digits, ':' and '.' inside the brackets, then only a port.
    const size_t close = host.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    for (const char c : host.substr(1, close - 1)) {
      const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!hex && c != ':' && c != '.') return false;
    }
    const std::string_view after = host.substr(close + 1);
    return after.empty() || after.starts_with(':');
  }
  if (const size_t colon = host.rfind(':'); colon != std::string_view::npos) host = host.substr(0, colon);
  if (host.ends_with('.')) host.remove_suffix(1);  // "localhost." is localhost
  if (IsIpv4Literal(host) || EqualsIgnoringCase(host, "localhost")) return true;
  for (const std::string& name : host_names_) {
    if (EqualsIgnoringCase(host, name)) return true;
  }
  return false;
}

}  // namespace jsm::serve
