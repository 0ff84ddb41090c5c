#pragma once
/// The HTTP/1.1 listener of `jsm serve` (Debian's cpp-httplib): turns requests
/// into ApiRouter calls, with bounded request sizes and timeouts.

#include <memory>
#include <thread>

#include "common/status.h"
#include "serve/access_control.h"
#include "serve/api_router.h"

namespace httplib {
class Server;
}

namespace jsm::serve {

/// Request line and headers are bounded by the library (8 KiB each); bodies by this.
inline constexpr size_t kMaxRequestBodyBytes = 64 * 1024;

/// A listening server; stops and joins its thread when destroyed.
class HttpServer {
 public:
  /// Binds `address` (port 0 = any free port) and serves `router` on a thread.
  static Result<std::unique_ptr<HttpServer>> Start(ApiRouter* router, const ListenAddress& address);
  ~HttpServer();

  /// The bound port.
  int port() const { return port_; }
  /// Stops accepting and waits for the thread.
  void Stop();

 private:
  HttpServer();
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace jsm::serve
