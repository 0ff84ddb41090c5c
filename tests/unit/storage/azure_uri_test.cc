#include "storage/azure_uri.h"

#include <gtest/gtest.h>

namespace jsm::storage {
namespace {

TEST(AzureUri, AzSchemeNamesContainerAndPrefix) {
  auto location = ParseAzureUri("az://lakehouse/prod/jsm/");
  ASSERT_TRUE(location) << location.error().ToString();
  EXPECT_EQ(location->account, "");
  EXPECT_EQ(location->container, "lakehouse");
  EXPECT_EQ(location->prefix, "prod/jsm");
}

TEST(AzureUri, AzWithoutPathHasEmptyPrefix) {
  auto location = ParseAzureUri("az://lakehouse");
  ASSERT_TRUE(location);
  EXPECT_EQ(location->prefix, "");
}

TEST(AzureUri, AbfssNamesAccountFromHost) {
  auto location = ParseAzureUri("abfss://bronze@jsmdata01.dfs.core.windows.net/tables/orders");
  ASSERT_TRUE(location) << location.error().ToString();
  EXPECT_EQ(location->account, "jsmdata01");
  EXPECT_EQ(location->container, "bronze");
  EXPECT_EQ(location->prefix, "tables/orders");
  EXPECT_TRUE(ParseAzureUri("abfs://c01@acct01.dfs.core.windows.net"));
}

TEST(AzureUri, RecognizesOnlyAzureSchemes) {
  EXPECT_TRUE(IsAzureUri("az://x/y"));
  EXPECT_TRUE(IsAzureUri("abfss://x@y.dfs.core.windows.net/"));
  EXPECT_FALSE(IsAzureUri("s3://bucket/x"));
  EXPECT_FALSE(IsAzureUri("/data/lakehouse"));
}

TEST(AzureUri, MalformedUrisAreInvalidArgumentsNamingTheUri) {
  for (const char* uri :
       {"az://", "az://AB/x", "az://a/x", "az://has_underscore/x", "az://c--d/x", "abfss://container/path",
        "abfss://container@ACCOUNT.dfs.core.windows.net/", "abfss://container@account.example.com/",
        "az://container@account/x", "az://ctr/a/../b", "az://ctr/a//b"}) {
    auto location = ParseAzureUri(uri);
    ASSERT_FALSE(location) << uri;
    EXPECT_EQ(location.error().code(), ErrorCode::kInvalidArgument) << uri;
    EXPECT_NE(location.error().message().find(uri), std::string::npos) << location.error().message();
  }
}

}  // namespace
}  // namespace jsm::storage
