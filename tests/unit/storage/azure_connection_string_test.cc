#include "storage/azure_connection_string.h"

#include <gtest/gtest.h>

namespace jsm::storage {
namespace {

TEST(ConnectionString, AzuriteStyleGivesAccountKeyAndEndpoint) {
  auto parsed = ParseConnectionString(
      "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
      "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
      "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1/;");
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->account, "devstoreaccount1");
  EXPECT_EQ(parsed->account_key, kDevelopmentAccountKey);
  EXPECT_EQ(parsed->blob_endpoint, "http://127.0.0.1:10000/devstoreaccount1");
}

TEST(ConnectionString, ProductionStyleBuildsTheDefaultEndpoint) {
  auto parsed = ParseConnectionString(
      "DefaultEndpointsProtocol=https;AccountName=jsmdata;AccountKey=a2V5;EndpointSuffix=core.windows.net");
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->blob_endpoint, "https://jsmdata.blob.core.windows.net");
  EXPECT_EQ(parsed->account_key, "a2V5");
}

TEST(ConnectionString, UseDevelopmentStorageMeansAzuriteDefaults) {
  auto parsed = ParseConnectionString("UseDevelopmentStorage=true");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->account, kDevelopmentAccount);
  EXPECT_EQ(parsed->account_key, kDevelopmentAccountKey);
  EXPECT_EQ(parsed->blob_endpoint, "http://127.0.0.1:10000/devstoreaccount1");
}

TEST(ConnectionString, SasOnlyTakesTheAccountFromTheEndpoint) {
  auto parsed = ParseConnectionString(
      "BlobEndpoint=https://jsmdata.blob.core.windows.net/;SharedAccessSignature=?sv=2021-12-02&sig=abc%3D");
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->account, "jsmdata");
  EXPECT_EQ(parsed->sas_token, "sv=2021-12-02&sig=abc%3D");
  EXPECT_EQ(parsed->account_key, "");
}

TEST(ConnectionString, KeysAreCaseInsensitiveAndUnknownKeysIgnored) {
  auto parsed = ParseConnectionString("accountname=abc;ACCOUNTKEY=a2V5;QueueEndpoint=http://x");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->account, "abc");
}

TEST(ConnectionString, MalformedPartsAreErrorsThatDoNotEchoSecrets) {
  auto parsed = ParseConnectionString("AccountName=abc;c2VjcmV0LWtleQ");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(parsed.error().message().find("c2VjcmV0"), std::string::npos) << parsed.error().message();
  EXPECT_FALSE(ParseConnectionString("AccountKey=a2V5"));
  EXPECT_FALSE(ParseConnectionString("AccountName=a;DefaultEndpointsProtocol=ftp"));
}

}  // namespace
}  // namespace jsm::storage
