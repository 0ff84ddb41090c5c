#include "serve/http_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include "unit/serve/test_lakehouse.h"

namespace jsm::serve {
namespace {

class HttpServerTest : public LakehouseTest {
 protected:
  void SetUp() override {
    LakehouseTest::SetUp();
    router_ = std::make_unique<ApiRouter>(store_.get(), AccessControl("", true));
    auto server = HttpServer::Start(router_.get(), ListenAddress{"127.0.0.1", 0});
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
