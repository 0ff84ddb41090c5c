#include "storage/http_client.h"

#include <gtest/gtest.h>

#include "unit/storage/azurite_server.h"

namespace jsm::storage {
namespace {

TEST(HttpClient, RefusedConnectionIsUnavailableAndTheQueryStaysOutOfTheMessage) {
  auto client = HttpClient::Create(HttpOptions{});
  ASSERT_TRUE(client);
  HttpRequest request;
  request.url = "http://127.0.0.1:1/account/c?sig=c2VjcmV0";
  auto response = (*client)->Send(request);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(response.error().message().find("http://127.0.0.1:1/account/c"), std::string::npos);
  EXPECT_EQ(response.error().message().find("c2VjcmV0"), std::string::npos) << response.error().message();
}

TEST(HttpClient, ReturnsStatusHeadersAndBodyOfAnyAnswer) {
  JSM_REQUIRE_AZURITE();
  auto client = HttpClient::Create(HttpOptions{});
  ASSERT_TRUE(client);
  HttpRequest request;
  request.url = testing::AzuriteServer::Shared().endpoint() + "/nosuchcontainer/blob";
  auto response = (*client)->Send(request);
  ASSERT_TRUE(response) << response.error().ToString();
  EXPECT_GE(response->status, 400);  // unauthenticated
  EXPECT_FALSE(response->Header("x-ms-error-code").empty());
  EXPECT_NE(response->body.find("<Code>"), std::string::npos) << response->body;
  // The connection is kept and reused for the next request.
  auto again = (*client)->Send(request);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, response->status);
}

}  // namespace
}  // namespace jsm::storage
