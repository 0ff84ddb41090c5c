#include "serve/http_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>

namespace jsm::serve {
namespace {

void Serve(ApiRouter* router, const httplib::Request& in, httplib::Response& out) {
  HttpRequest request;
  request.method = in.method;
  request.path = in.path;
  request.params = in.params;
  request.accept = in.get_header_value("Accept");
  request.authorization = in.get_header_value("Authorization");
  request.host = in.get_header_value("Host");
  HttpResponse response = router->Handle(request);
  out.status = response.status;
  for (const auto& [name, value] : response.headers) out.set_header(name, value);
  out.set_content(std::move(response.body), response.content_type);
}

}  // namespace

HttpServer::HttpServer() : server_(std::make_unique<httplib::Server>()) {}

HttpServer::~HttpServer() { Stop(); }

Result<std::unique_ptr<HttpServer>> HttpServer::Start(ApiRouter* router, const ListenAddress& address) {
  std::unique_ptr<HttpServer> server(new HttpServer());
  httplib::Server& http = *server->server_;
  http.set_payload_max_length(kMaxRequestBodyBytes);
  http.set_read_timeout(10, 0);
  http.set_write_timeout(30, 0);
  http.set_keep_alive_max_count(100);
  const auto handler = [router](const httplib::Request& in, httplib::Response& out) { Serve(router, in, out); };
  http.Get(R"(/.*)", handler);
  http.Post(R"(/.*)", handler);
  http.Put(R"(/.*)", handler);
  http.Patch(R"(/.*)", handler);
  http.Delete(R"(/.*)", handler);
  http.Options(R"(/.*)", handler);
  // SO_REUSEADDR only: a restart binds through TIME_WAIT, but an address another server listens on
  // is refused (httplib's default, SO_REUSEPORT, let a second server share the port and its requests).
  http.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  errno = 0;
  if (address.port == 0) {
    server->port_ = http.bind_to_any_port(address.host);
  } else {
    server->port_ = http.bind_to_port(address.host, address.port) ? address.port : -1;
  }
  if (server->port_ <= 0) {
    const std::string where = address.host + ":" + std::to_string(address.port);
    if (errno == EADDRINUSE) {
      return MakeError(ErrorCode::kInvalidArgument, "cannot listen on " + where + ": address in use");
    }
    return MakeError(ErrorCode::kUnavailable, "cannot listen on " + where + " (not an address of this machine?)");
  }
  server->thread_ = std::thread([&http] { http.listen_after_bind(); });
  // stop() only ends a listener that is running: wait for it, so an early Stop cannot miss it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!http.is_running()) {
    if (std::chrono::steady_clock::now() > deadline) {
      // The thread may still start listening later and could not then be joined:
      // leave it and the server it uses alive rather than risk a hang or a dangling reference.
      server->thread_.detach();
      (void)server.release();
      return MakeError(ErrorCode::kInternal, "the HTTP listener did not start within 10 s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return server;
}

void HttpServer::Stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

}  // namespace jsm::serve
