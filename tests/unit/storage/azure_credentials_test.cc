#include "storage/azure_credentials.h"

#include <gtest/gtest.h>

#include <map>

namespace jsm::storage {
namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    auto it = values.find(std::string(name));
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

TEST(AzureCredentials, ConnectionStringWins) {
  auto credentials =
      ResolveAzureCredentials(AzureLocation{"", "lake", ""},
                              FakeEnv({{"AZURE_STORAGE_CONNECTION_STRING", "UseDevelopmentStorage=true"},
                                       {"AZURE_STORAGE_ACCOUNT", "other"}}));
  ASSERT_TRUE(credentials) << credentials.error().ToString();
  EXPECT_EQ(credentials->account, "devstoreaccount1");
}

TEST(AzureCredentials, AccountAndKeyWithEndpointOverride) {
  auto credentials = ResolveAzureCredentials(
      AzureLocation{"", "lake", ""},
      FakeEnv({{"AZURE_STORAGE_ACCOUNT", "devstoreaccount1"},
               {"AZURE_STORAGE_KEY", "a2V5"},
               {"AZURE_STORAGE_ENDPOINT", "http://127.0.0.1:5000/devstoreaccount1/"}}));
  ASSERT_TRUE(credentials) << credentials.error().ToString();
  EXPECT_EQ(credentials->account_key, "a2V5");
  EXPECT_EQ(credentials->blob_endpoint, "http://127.0.0.1:5000/devstoreaccount1");
}

TEST(AzureCredentials, AbfssAccountWithSasAndDefaultEndpoint) {
  auto credentials = ResolveAzureCredentials(AzureLocation{"jsmdata", "lake", ""},
                                             FakeEnv({{"AZURE_STORAGE_SAS_TOKEN", "?sv=1&sig=x"}}));
  ASSERT_TRUE(credentials) << credentials.error().ToString();
  EXPECT_EQ(credentials->account, "jsmdata");
  EXPECT_EQ(credentials->sas_token, "sv=1&sig=x");
  EXPECT_EQ(credentials->blob_endpoint, "https://jsmdata.blob.core.windows.net");
}

TEST(AzureCredentials, MissingAccountSaysWhichVariablesToSet) {
  auto credentials = ResolveAzureCredentials(AzureLocation{"", "lake", ""}, FakeEnv({}));
  ASSERT_FALSE(credentials);
  EXPECT_NE(credentials.error().message().find("AZURE_STORAGE_CONNECTION_STRING"), std::string::npos);
}

TEST(AzureCredentials, AccountMismatchBetweenUriAndCredentialsIsAnError) {
  auto credentials = ResolveAzureCredentials(
      AzureLocation{"jsmdata", "lake", ""},
      FakeEnv({{"AZURE_STORAGE_ACCOUNT", "otheraccount"}, {"AZURE_STORAGE_KEY", "c2VjcmV0"}}));
  ASSERT_FALSE(credentials);
  EXPECT_NE(credentials.error().message().find("otheraccount"), std::string::npos);
  EXPECT_EQ(credentials.error().message().find("c2VjcmV0"), std::string::npos);
}

}  // namespace
}  // namespace jsm::storage
