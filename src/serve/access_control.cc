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
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.starts_with(kBearer) && ConstantTimeEquals(authorization.substr(kBearer.size()), token_)) return true;
  return !query_token.empty() && ConstantTimeEquals(query_token, token_);
}

}  // namespace jsm::serve
