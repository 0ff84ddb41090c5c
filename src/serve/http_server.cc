#include "serve/http_server.h"

#include <sys/resource.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/logging.h"
#include "kafka/rdkafka_log.h"
#include "serve/request_target.h"

namespace jsm::serve {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct HttpServer::State {
  ApiRouter* router = nullptr;
  HttpServerLimits limits;
  // Connection counts, by the I/O thread (and by whichever thread drops a connection's last reference).
  std::mutex mutex;
  int connections = 0;
  std::map<std::string, int> per_client;
  std::atomic<int> queued{0};
  // Declared after what the connections use: destroyed first, with the connections it still holds.
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  asio::steady_timer accept_retry{io};
  std::optional<asio::thread_pool> workers;
  std::thread io_thread;
  int port = 0;
  bool stopped = false;

  bool Admit(const std::string& client) {
    std::lock_guard<std::mutex> lock(mutex);
    int& mine = per_client[client];
    if (connections >= limits.max_connections || mine >= limits.max_connections_per_client) {
      if (mine == 0) per_client.erase(client);
      return false;
    }
    ++connections;
    ++mine;
    return true;
  }

  void Release(const std::string& client) {
    std::lock_guard<std::mutex> lock(mutex);
    --connections;
    if (auto it = per_client.find(client); it != per_client.end() && --it->second <= 0) per_client.erase(it);
  }

  void Accept();
};

namespace {

std::chrono::steady_clock::duration Seconds(double s) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
}

/// True for a read that ended because the client went away or was too slow (the deadline):
/// nothing to answer. Any other read error is a request that is not HTTP/1.1, answered 400.
bool ClientGone(const beast::error_code& error) {
  return error == http::error::end_of_stream || error == http::error::partial_message ||
         error == beast::error::timeout || error == asio::error::eof || error == asio::error::operation_aborted ||
         error == asio::error::connection_reset;
}

/// One client connection: reads a request (head first, then any body), hands it to a worker,
/// writes the answer, and reads the next one while the client keeps the connection alive.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, HttpServer::State* state, std::string client)
      : stream_(std::move(socket)), state_(state), client_(std::move(client)) {}
  ~Connection() { state_->Release(client_); }

  void ReadHead() {
    parser_.emplace();
    parser_->header_limit(kMaxRequestHeadBytes);
    parser_->body_limit(kMaxRequestBodyBytes);
    stream_.expires_after(Seconds(state_->limits.head_timeout_s));
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code error, size_t) { self->OnHead(error); });
  }

 private:
  void OnHead(beast::error_code error) {
    if (error == http::error::header_limit) {
      // The parser takes the request line as soon as it is whole: without one, the line alone
      // was over the limit (414); with one, the headers were (431).
      if (parser_->get().method() == http::verb::unknown && parser_->get().method_string().empty()) {
        return Fail(414, "the request line is longer than 8 KiB");
      }
      return Fail(431, "the request headers are larger than 8 KiB");
    }
    if (error == http::error::body_limit) return Fail(413, "the request body is larger than 64 KiB");
    if (error) {
      if (ClientGone(error)) return Close();
      return Fail(400, "not an HTTP/1.1 request: " + error.message());
    }
    if (parser_->is_done()) return Dispatch();  // no body (a POST without one is answered at once)
    if (const auto length = parser_->content_length(); length && *length > kMaxRequestBodyBytes) {
      return Fail(413, "the request body is larger than 64 KiB");
    }
    stream_.expires_after(Seconds(state_->limits.body_timeout_s));
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code error, size_t) {
      if (error == http::error::body_limit) return self->Fail(413, "the request body is larger than 64 KiB");
      if (error) {
        if (ClientGone(error)) return self->Close();
        return self->Fail(400, "the request body is not valid HTTP/1.1: " + error.message());
      }
      self->Dispatch();
    });
  }

  void Dispatch() {
    const auto& in = parser_->get();
    head_only_ = in.method() == http::verb::head;
    keep_alive_ = in.keep_alive();
    if (in.method() != http::verb::get && in.method() != http::verb::head) {
      HttpResponse response = ServerAnswer(405, "only GET is served");
      response.headers.emplace_back("Allow", "GET, HEAD");
      return Write(std::move(response), false);
    }
    auto target = ParseRequestTarget(std::string_view(in.target().data(), in.target().size()));
    if (!target) return Fail(400, target.error().message());
    HttpRequest request;
    request.method = std::string(in.method_string());
    request.path = std::move(target->path);
    request.params = std::move(target->params);
    request.accept = std::string(in[http::field::accept]);
    request.authorization = std::string(in[http::field::authorization]);
    request.host = std::string(in[http::field::host]);
    if (request.path == "/healthz") {
      // On the I/O thread: it reads nothing, and must answer however busy the workers are.
      return Write(state_->router->Handle(request), false);
    }
    if (state_->queued.fetch_add(1) >= state_->limits.max_queued) {
      state_->queued.fetch_sub(1);
      HttpResponse busy = ServerAnswer(503, "the server is busy: retry in a second");
      busy.headers.emplace_back("Retry-After", "1");
      return Write(std::move(busy), false);
    }
    asio::post(*state_->workers, [self = shared_from_this(), request = std::move(request)]() mutable {
      HttpResponse response = self->state_->router->Handle(request);
      self->state_->queued.fetch_sub(1);
      // Back on the I/O thread, which alone touches the stream.
      asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->Write(std::move(response), false);
      });
    });
  }

  /// A request the server refuses before any route: the answer, then the connection closes.
  void Fail(int status, const std::string& message) {
    keep_alive_ = false;
    Write(ServerAnswer(status, message), true);
  }

  static HttpResponse ServerAnswer(int status, const std::string& message) {
    HttpResponse response = ErrorResponse(status, message);
    AddSecurityHeaders(&response);
    return response;
  }

  void Write(HttpResponse answer, bool close) {
    response_ = {};
    response_.version(11);
    response_.result(static_cast<unsigned>(answer.status));
    response_.set(http::field::server, "jsm");
    response_.set(http::field::content_type, answer.content_type);
    for (const auto& [name, value] : answer.headers) response_.insert(name, value);
    const size_t length = answer.body.size();
    if (!head_only_) response_.body() = std::move(answer.body);
    response_.content_length(length);
    response_.keep_alive(keep_alive_ && !close);
    stream_.expires_after(Seconds(state_->limits.write_timeout_s));
    http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code error, size_t) {
      if (error || !self->response_.keep_alive()) return self->Close();
      self->ReadHead();
    });
  }

  /// A lingering close: no more writes, then what the client still sends (a body it was
  /// told is too large) is read and dropped for a moment, so it gets the answer, not a reset.
  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(2));
    Drain();
  }

  void Drain() {
    stream_.async_read_some(asio::buffer(drain_), [self = shared_from_this()](beast::error_code error, size_t) {
      if (error) {
        beast::error_code ignored;
        self->stream_.socket().close(ignored);
        return;
      }
      self->Drain();
    });
  }

  beast::tcp_stream stream_;
  HttpServer::State* state_;
  std::string client_;
  beast::flat_buffer buffer_{kMaxRequestHeadBytes + kMaxRequestBodyBytes};
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  char drain_[4096];
  bool head_only_ = false;
  bool keep_alive_ = true;
};

}  // namespace

void HttpServer::State::Accept() {
  acceptor.async_accept([this](beast::error_code error, tcp::socket socket) {
    if (error == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (error) {
      // Out of file descriptors, most likely: say so, and try again shortly rather than spin.
      Log().warn(R"("http accept failed, retrying","error":{})", kafka::JsonQuoted(error.message()));
      accept_retry.expires_after(std::chrono::milliseconds(100));
      accept_retry.async_wait([this](beast::error_code waited) {
        if (!waited) Accept();
      });
      return;
    }
    beast::error_code ignored;
    const std::string client = socket.remote_endpoint(ignored).address().to_string();
    if (Admit(client)) {
      std::make_shared<Connection>(std::move(socket), this, client)->ReadHead();
    } else {
      socket.close(ignored);  // over a limit: closed at once, costing nothing
    }
    Accept();
  });
}

HttpServer::HttpServer(std::unique_ptr<State> state) : state_(std::move(state)) {}

HttpServer::~HttpServer() { Stop(); }

int HttpServer::port() const { return state_->port; }

Result<std::unique_ptr<HttpServer>> HttpServer::Start(ApiRouter* router, const ListenAddress& address,
                                                      HttpServerLimits limits) {
  auto state = std::make_unique<State>();
  state->router = router;
  // Every connection is a file descriptor: raise the soft limit to the hard one, and keep the
  // connection bound under it (with room for the lakehouse's files), so a flood meets our limit
  // (closed at once) before accept() runs out of descriptors.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0) {
    if (files.rlim_cur < files.rlim_max) {
      files.rlim_cur = files.rlim_max;
      setrlimit(RLIMIT_NOFILE, &files);
      getrlimit(RLIMIT_NOFILE, &files);
    }
    const rlim_t room = files.rlim_cur > 256 ? files.rlim_cur - 256 : files.rlim_cur / 2;
    if (static_cast<rlim_t>(limits.max_connections) > room) limits.max_connections = static_cast<int>(room);
  }
  state->limits = limits;
  const std::string where = address.host + ":" + std::to_string(address.port);
  beast::error_code error;
  tcp::resolver resolver(state->io);
  const auto endpoints = resolver.resolve(address.host, std::to_string(address.port),
                                          tcp::resolver::passive | tcp::resolver::numeric_service, error);
  if (error || endpoints.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "cannot listen on " + where + ": " +
                                                      (error ? error.message() : std::string("no such address")));
  }
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  state->acceptor.open(endpoint.protocol(), error);
  // SO_REUSEADDR only: a restart binds through TIME_WAIT, but an address another server listens
  // on is refused (SO_REUSEPORT would let a second server share the port and its requests).
  if (!error) state->acceptor.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) state->acceptor.bind(endpoint, error);
  if (error == asio::error::address_in_use) {
    return MakeError(ErrorCode::kInvalidArgument, "cannot listen on " + where + ": address in use");
  }
  if (!error) state->acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    return MakeError(ErrorCode::kUnavailable, "cannot listen on " + where + ": " + error.message() +
                                                  " (not an address of this machine?)");
  }
  state->port = state->acceptor.local_endpoint().port();
  state->workers.emplace(static_cast<size_t>(std::max(1, limits.workers)));
  state->Accept();
  State* running = state.get();
  state->io_thread = std::thread([running] { running->io.run(); });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(state)));
}

void HttpServer::Stop() {
  if (state_ == nullptr || state_->stopped) return;
  state_->stopped = true;
  asio::post(state_->io, [state = state_.get()] {
    beast::error_code ignored;
    state->acceptor.close(ignored);
    state->accept_retry.cancel();
  });
  state_->io.stop();
  if (state_->io_thread.joinable()) state_->io_thread.join();
  state_->workers->stop();
  state_->workers->join();
  beast::error_code ignored;
  state_->acceptor.close(ignored);
}

}  // namespace jsm::serve
