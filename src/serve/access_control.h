#pragma once
/// Who may call the server: on a loopback address everyone; on any other
/// address a bearer token is required for everything but /healthz and the
/// dashboard's own files. And for which names: the Host header is checked.

#include <string>
#include <string_view>
#include <vector>

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

/// The token and Host policy of a server.
class AccessControl {
 public:
  /// `token` empty = no token; a server listening on a non-loopback host must have one.
  /// `host_names`: the names (besides IP literals and localhost) a request's Host header may
  /// carry, e.g. the listen host and --allow-host names; compared without case.
  AccessControl(std::string token, bool loopback, std::vector<std::string> host_names = {})
      : token_(std::move(token)), loopback_(loopback), host_names_(std::move(host_names)) {}

  /// kInvalidArgument if the server would listen beyond loopback without a token.
  Status Validate() const;

  /// Whether a request for `path` with these credentials may proceed: the
  /// "Authorization: Bearer <token>" header or a `token` query parameter must
  /// equal the token (compared in constant time) when one is set. /healthz is
  /// always allowed.
  bool Allows(std::string_view path, std::string_view authorization, std::string_view query_token) const;

  /// Whether a request with this Host header (port and all) is for this server: an IP literal,
  /// localhost, one of `host_names`, or no Host at all (HTTP/1.0). Any other name is how DNS
  /// rebinding reaches a server on loopback from a web page, and is refused.
  bool AllowsHost(std::string_view host_header) const;

 private:
  std::string token_;
  bool loopback_;
  std::vector<std::string> host_names_;
};

}  // namespace jsm::serve
