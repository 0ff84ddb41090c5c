#pragma once
/// The HTTP/1.1 listener of `jsm serve` (Boost.Beast on Boost.Asio, Debian's libboost-dev). One
/// I/O thread serves every connection without blocking, so a slow or idle client holds no
/// thread; a small pool of workers runs the routes. Each request's head and body must arrive
/// within a deadline, connections are bounded in total and per client address, the routes'
/// queue is bounded (503 beyond it), and /healthz is answered on the I/O thread, so it answers
/// while the workers are busy. Why not cpp-httplib: docs/serve.md, "The server under load".

#include <memory>

#include "common/status.h"
#include "serve/access_control.h"
#include "serve/api_router.h"

namespace jsm::serve {

/// Request line and headers together (431, or 414 when the request line alone is longer).
inline constexpr size_t kMaxRequestHeadBytes = 8 * 1024;
/// A request body (413 beyond it).
inline constexpr size_t kMaxRequestBodyBytes = 64 * 1024;

struct HttpServerLimits {
  int max_connections = 1024;            ///< open connections in all; more are closed at once
  int max_connections_per_client = 512;  ///< open connections of one client address
  double head_timeout_s = 10;   ///< the request line and headers, from the first wait for them
  double body_timeout_s = 10;   ///< the body, once the head is in
  double write_timeout_s = 30;  ///< sending a response to a client that does not read
  int workers = 4;              ///< threads that run the routes
  int max_queued = 64;          ///< requests waiting for a worker; more get 503 with Retry-After
};

/// A listening server; stops and joins its threads when destroyed.
class HttpServer {
 public:
  /// Binds `address` (port 0 = any free port; an address in use is kInvalidArgument) and
  /// serves `router`, which must outlive the server.
  static Result<std::unique_ptr<HttpServer>> Start(ApiRouter* router, const ListenAddress& address,
                                                   HttpServerLimits limits = {});
  ~HttpServer();

  /// The bound port.
  int port() const;
  /// Stops accepting, closes every connection and joins the threads.
  void Stop();

  struct State;

 private:
  explicit HttpServer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace jsm::serve
