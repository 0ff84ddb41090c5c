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

// ---- [storage.azure] from the config and its precedence over the environment ----

constexpr const char* kConfigKey = "Y29uZmlna2V5";  // "configkey"
constexpr const char* kEnvKey = "ZW52a2V5";         // "envkey"

AzureSettings Section(std::string account, std::string key, std::string sas = "", std::string connection = "",
                      std::string endpoint = "") {
  AzureSettings settings;
  settings.account = std::move(account);
  settings.key = std::move(key);
  settings.sas_token = std::move(sas);
  settings.connection_string = std::move(connection);
  settings.endpoint = std::move(endpoint);
  settings.source = "lake.toml [storage.azure]";
  return settings;
}

TEST(AzureCredentials, ConfigSectionAloneIsEnough) {
  auto credentials = ResolveAzureCredentials(AzureLocation{"", "lake", ""},
                                             Section("jsmdata", kConfigKey, "", "", "http://127.0.0.1:1/jsmdata/"),
                                             FakeEnv({}));
  ASSERT_TRUE(credentials) << credentials.error().ToString();
  EXPECT_EQ(credentials->account, "jsmdata");
  EXPECT_EQ(credentials->account_key, kConfigKey);
  EXPECT_EQ(credentials->blob_endpoint, "http://127.0.0.1:1/jsmdata");
}

TEST(AzureCredentials, ConfigSecretWinsAndIsNeverMixedWithTheEnvironments) {
  // The environment holds a connection string and a SAS; the config's key replaces all of them.
  auto credentials = ResolveAzureCredentials(
      AzureLocation{"", "lake", ""}, Section("jsmdata", kConfigKey),
      FakeEnv({{"AZURE_STORAGE_CONNECTION_STRING", "UseDevelopmentStorage=true"},
               {"AZURE_STORAGE_ACCOUNT", "envaccount"},
               {"AZURE_STORAGE_KEY", kEnvKey},
               {"AZURE_STORAGE_SAS_TOKEN", "sv=env&sig=env"}}));
  ASSERT_TRUE(credentials) << credentials.error().ToString();
  EXPECT_EQ(credentials->account, "jsmdata");
  EXPECT_EQ(credentials->account_key, kConfigKey);
  EXPECT_EQ(credentials->sas_token, "");
  EXPECT_EQ(credentials->blob_endpoint, "https://jsmdata.blob.core.windows.net");
}

TEST(AzureCredentials, ConfigSasTokenLosesItsQuestionMark) {
  auto credentials = ResolveAzureCredentials(AzureLocation{"jsmdata", "lake", ""}, Section("", "", "?sv=1&sig=c"),
                                             FakeEnv({{"AZURE_STORAGE_KEY", kEnvKey}}));
  ASSERT_TRUE(credentials) << credentials.error().ToString();
  EXPECT_EQ(credentials->account, "jsmdata");
  EXPECT_EQ(credentials->account_key, "");
  EXPECT_EQ(credentials->sas_token, "sv=1&sig=c");
}

TEST(AzureCredentials, ConfigConnectionStringWinsOverTheEnvironmentAndItsEndpointOverrideOverBoth) {
  auto credentials = ResolveAzureCredentials(
      AzureLocation{"", "lake", ""}, Section("", "", "", "UseDevelopmentStorage=true", "http://127.0.0.1:7/devstoreaccount1"),
      FakeEnv({{"AZURE_STORAGE_CONNECTION_STRING", "AccountName=envaccount;AccountKey=ZW52a2V5"},
               {"AZURE_STORAGE_ENDPOINT", "http://127.0.0.1:8/devstoreaccount1"}}));
  ASSERT_TRUE(credentials) << credentials.error().ToString();
  EXPECT_EQ(credentials->account, "devstoreaccount1");
  EXPECT_EQ(credentials->account_key, std::string(kDevelopmentAccountKey));
  EXPECT_EQ(credentials->blob_endpoint, "http://127.0.0.1:7/devstoreaccount1");
}

TEST(AzureCredentials, ConfigWithoutSecretTakesTheEnvironmentsSecretButItsOwnAccountAndEndpoint) {
  auto credentials = ResolveAzureCredentials(
      AzureLocation{"", "lake", ""}, Section("jsmdata", "", "", "", "https://private.example/"),
      FakeEnv({{"AZURE_STORAGE_ACCOUNT", "envaccount"}, {"AZURE_STORAGE_KEY", kEnvKey},
               {"AZURE_STORAGE_ENDPOINT", "http://127.0.0.1:8/x"}}));
  ASSERT_TRUE(credentials) << credentials.error().ToString();
  EXPECT_EQ(credentials->account, "jsmdata");
  EXPECT_EQ(credentials->account_key, kEnvKey);
  EXPECT_EQ(credentials->blob_endpoint, "https://private.example");
}

TEST(AzureCredentials, ConfigValuesExpandEnvironmentReferences) {
  auto credentials = ResolveAzureCredentials(AzureLocation{"", "lake", ""}, Section("${ACCT}", "${LAKE_KEY}"),
                                             FakeEnv({{"ACCT", "jsmdata"}, {"LAKE_KEY", kConfigKey}}));
  ASSERT_TRUE(credentials) << credentials.error().ToString();
  EXPECT_EQ(credentials->account, "jsmdata");
  EXPECT_EQ(credentials->account_key, kConfigKey);
}

TEST(AzureCredentials, AnUnsetReferenceNamesTheSourceSettingAndVariable) {
  auto credentials =
      ResolveAzureCredentials(AzureLocation{"", "lake", ""}, Section("jsmdata", "${LAKE_KEY}"), FakeEnv({}));
  ASSERT_FALSE(credentials);
  EXPECT_EQ(credentials.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(credentials.error().message().find("lake.toml [storage.azure] key"), std::string::npos)
      << credentials.error().message();
  EXPECT_NE(credentials.error().message().find("LAKE_KEY"), std::string::npos);
}

TEST(AzureCredentials, ConfigAccountMustAgreeWithTheUriAndTheConnectionString) {
  auto uri = ResolveAzureCredentials(AzureLocation{"jsmdata", "lake", ""}, Section("otheraccount", kConfigKey),
                                     FakeEnv({}));
  ASSERT_FALSE(uri);
  EXPECT_NE(uri.error().message().find("otheraccount"), std::string::npos);
  EXPECT_EQ(uri.error().message().find(kConfigKey), std::string::npos);
  auto connection = ResolveAzureCredentials(AzureLocation{"", "lake", ""},
                                            Section("jsmdata", "", "", "UseDevelopmentStorage=true"), FakeEnv({}));
  ASSERT_FALSE(connection);
  EXPECT_NE(connection.error().message().find("devstoreaccount1"), std::string::npos);
}

TEST(AzureCredentials, ValidateChecksTheSectionWithoutEchoingSecrets) {
  EXPECT_TRUE(ValidateAzureSettings(Section("jsmdata", kConfigKey), FakeEnv({})));
  EXPECT_TRUE(ValidateAzureSettings(AzureSettings{}, FakeEnv({})));
  auto bad_key = ValidateAzureSettings(Section("jsmdata", "not base64 secret!"), FakeEnv({}));
  ASSERT_FALSE(bad_key);
  EXPECT_NE(bad_key.error().message().find("key"), std::string::npos);
  EXPECT_EQ(bad_key.error().message().find("not base64 secret!"), std::string::npos);
  EXPECT_FALSE(ValidateAzureSettings(Section("Bad_Account", kConfigKey), FakeEnv({})));
  EXPECT_FALSE(ValidateAzureSettings(Section("jsmdata", kConfigKey, "", "", "ftp://x"), FakeEnv({})));
  EXPECT_FALSE(ValidateAzureSettings(Section("", kConfigKey, "", "UseDevelopmentStorage=true"), FakeEnv({})));
  EXPECT_FALSE(ValidateAzureSettings(Section("", "", "", "AccountName=;AccountKey=%%"), FakeEnv({})));
  auto unset = ValidateAzureSettings(Section("", "", "${SAS}"), FakeEnv({}));
  ASSERT_FALSE(unset);
  EXPECT_NE(unset.error().message().find("SAS"), std::string::npos);
}

}  // namespace
}  // namespace jsm::storage
