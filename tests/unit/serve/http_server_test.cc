#include "serve/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <thread>
#include <string>
#include <vector>

#include "unit/serve/test_lakehouse.h"

namespace jsm::serve {
namespace {

/// A raw TCP client: sends what a test says, byte by byte if need be.
class RawClient {
 public:
  explicit RawClient(int port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~RawClient() { close(fd_); }
  bool connected() const { return connected_; }
  bool Send(const std::string& text) { return send(fd_, text.data(), text.size(), MSG_NOSIGNAL) == ssize_t(text.size()); }
  /// Everything the server sends until it closes or `seconds` pass; `closed` says which.
  std::string Receive(double seconds, bool* closed = nullptr) {
    std::string got;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    if (closed) *closed = false;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd ready{fd_, POLLIN, 0};
      if (poll(&ready, 1, 20) <= 0) continue;
      char buffer[4096];
      const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) {
        if (closed) *closed = true;
        break;
      }
      got.append(buffer, static_cast<size_t>(n));
    }
    return got;
  }

 private:
  int fd_;
  bool connected_ = false;
};

class HttpServerTest : public LakehouseTest {
 protected:
  void SetUp() override {
    LakehouseTest::SetUp();
    router_ = std::make_unique<ApiRouter>(store_.get(), AccessControl("", true));
    StartServer(HttpServerLimits{});
  }

  void StartServer(HttpServerLimits limits) {
    server_.reset();
    auto server = HttpServer::Start(router_.get(), ListenAddress{"127.0.0.1", 0}, limits);
    ASSERT_TRUE(server) << server.error().ToString();
    server_ = std::move(*server);
    ASSERT_GT(server_->port(), 0);
  }

  httplib::Client Client() { return httplib::Client("127.0.0.1", server_->port()); }

  std::unique_ptr<ApiRouter> router_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, ServesRoutesWithDecodedPathAndParameters) {
  auto client = Client();
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "ok\n");
  auto rows = client.Get("/api/tables/gold/things?filter=name%20%3D%20apple&format=csv");
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->status, 200) << rows->body;
  EXPECT_EQ(rows->body, "name,units,price,day,rate\r\napple,3,1.50,2011-01-26,0.5\r\n");
  EXPECT_EQ(rows->get_header_value("X-Delta-Version"), "2");
  auto csv = client.Get("/api/tables/gold/things", {{"Accept", "text/csv"}});
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->get_header_value("Content-Type"), "text/csv; charset=utf-8");
}

TEST_F(HttpServerTest, RefusesOtherMethodsAndOversizeRequests) {
  auto client = Client();
  auto post = client.Post("/api/tables", "x", "text/plain");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(post->get_header_value("Allow"), "GET, HEAD");
  auto big = client.Post("/api/tables", std::string(kMaxRequestBodyBytes + 1, 'x'), "text/plain");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  auto long_uri = client.Get("/api/tables/gold/things?filter=" + std::string(10000, 'a'));
  ASSERT_TRUE(long_uri);
  EXPECT_EQ(long_uri->status, 414);
  auto traversal = client.Get("/api/tables/gold/%2e%2e%2f%2e%2e%2fetc");
  ASSERT_TRUE(traversal);
  EXPECT_EQ(traversal->status, 404);
  RawClient raw(server_->port());
  ASSERT_TRUE(raw.Send("GET /api/tables%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  EXPECT_TRUE(raw.Receive(2.0).starts_with("HTTP/1.1 400")) << "a bad % escape";
  RawClient bad_chunk(server_->port());
  ASSERT_TRUE(bad_chunk.Send("POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"));
  EXPECT_TRUE(bad_chunk.Receive(2.0).starts_with("HTTP/1.1 400")) << "a bad chunk size";
  RawClient not_http(server_->port());
  ASSERT_TRUE(not_http.Send("HELLO\r\n\r\n"));
  EXPECT_TRUE(not_http.Receive(2.0).starts_with("HTTP/1.1 400")) << "not HTTP";
}

TEST_F(HttpServerTest, HeadersOverTheLimitAre431AndAPostWithoutBodyIsAnsweredAtOnce) {
  auto client = Client();
  auto big = client.Get("/api/tables", {{"X-Big", std::string(9000, 'a')}});
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 431);
  RawClient raw(server_->port());
  ASSERT_TRUE(raw.connected());
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(raw.Send("POST /api/tables HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
  const std::string answer = raw.Receive(2.0);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 405")) << answer;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

TEST_F(HttpServerTest, HeadAnswersTheLengthWithoutTheBody) {
  RawClient raw(server_->port());
  ASSERT_TRUE(raw.Send("HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
  const std::string answer = raw.Receive(2.0);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 200")) << answer;
  EXPECT_NE(answer.find("Content-Length: 3\r\n"), std::string::npos) << answer;
  EXPECT_TRUE(answer.ends_with("\r\n\r\n")) << answer;
}

TEST_F(HttpServerTest, SlowClientsHoldNoThreadAndHealthAndDataStillAnswer) {
  // Each sends a request line and then nothing (the slowloris attack): they wait in the I/O
  // thread, not in a worker.
  std::vector<std::unique_ptr<RawClient>> slow;
  for (int i = 0; i < 64; ++i) {
    slow.push_back(std::make_unique<RawClient>(server_->port()));
    ASSERT_TRUE(slow.back()->connected());
    ASSERT_TRUE(slow.back()->Send("GET /api/tables HTTP/1.1\r\nX-Slow: "));
  }
  auto client = Client();
  for (int i = 0; i < 20; ++i) {
    const auto started = std::chrono::steady_clock::now();
    auto health = client.Get("/healthz");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
    auto tables = client.Get("/api/tables");
    ASSERT_TRUE(tables);
    EXPECT_EQ(tables->status, 200);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(500));
  }
}

TEST_F(HttpServerTest, AHeadThatDoesNotArriveInTimeClosesTheConnection) {
  HttpServerLimits limits;
  limits.head_timeout_s = 1;
  StartServer(limits);
  RawClient raw(server_->port());
  ASSERT_TRUE(raw.Send("GET /api/tables HTTP/1.1\r\n"));
  // A header line every 300 ms keeps the connection busy, but the head's deadline is for all of it.
  const auto started = std::chrono::steady_clock::now();
  bool closed = false;
  for (int i = 0; i < 20 && !closed; ++i) {
    raw.Send("X-Drip: " + std::to_string(i) + "\r\n");
    raw.Receive(0.3, &closed);
  }
  EXPECT_TRUE(closed);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(2500));
}

TEST_F(HttpServerTest, ConnectionsOverTheLimitOfOneClientAreClosedAtOnce) {
  HttpServerLimits limits;
  limits.max_connections_per_client = 3;
  StartServer(limits);
  std::vector<std::unique_ptr<RawClient>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<RawClient>(server_->port()));
    ASSERT_TRUE(held.back()->Send("GET /api/tables HTTP/1.1\r\n"));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  RawClient fourth(server_->port());
  bool closed = false;
  fourth.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(fourth.Receive(2.0, &closed), "");
  EXPECT_TRUE(closed);
  held.clear();  // their connections end: a new one is served again
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto health = Client().Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST_F(HttpServerTest, APortInUseIsRefusedAsAddressInUse) {
  auto second = HttpServer::Start(router_.get(), ListenAddress{"127.0.0.1", server_->port()});
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(second.error().message().find("address in use"), std::string::npos) << second.error().message();
}

TEST_F(HttpServerTest, StopEndsTheListener) {
  const int port = server_->port();
  server_->Stop();
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(1, 0);
  EXPECT_FALSE(client.Get("/healthz"));
}

}  // namespace
}  // namespace jsm::serve
