#pragma once
/// Who may call the server: on a loopback address everyone; on any other
/// address a bearer token is required for everything but /healthz.

#include <string>
#include <string_view>

#include "common/status.h"

namespace jsm::serve {

/// True for 127.0.0.0/8, ::1 and "localhost".
bool IsLoopbackHost(std::string_view host);

/// Splits "HOST:PORT" or "[V6]:PORT" into host and port (1..65535).
struct ListenAddress {
  std::string host;
  int port = 0;
};
Result<ListenAddress> ParseListenAddress(std::string_view text);

/// The token policy of a server.
class AccessControl {
 public:
  /// `token` empty = no token; a server listening on a non-loopback host must have one.
  AccessControl(std::string token, bool loopback) : token_(std::move(token)), loopback_(loopback) {}

  /// kInvalidArgument if the server would listen beyond loopback without a token.
  Status Validate() const;

  /// Whether a request for `path` with these credentials may proceed: the
  /// "Authorization: Bearer <token>" header or a `token` query parameter must
  /// equal the token (compared in constant time) when one is set. /healthz is
  /// always allowed.
  bool Allows(std::string_view path, std::string_view authorization, std::string_view query_token) const;

 private:
  std::string token_;
  bool loopback_;
};

}  // namespace jsm::serve
