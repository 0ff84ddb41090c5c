#include "storage/azure_settings.h"

#include <gtest/gtest.h>

#include <map>

namespace jsm::storage {
namespace {

TEST(AzureSettings, EmptyAndSecretFlags) {
  AzureSettings settings;
  EXPECT_TRUE(settings.empty());
  EXPECT_FALSE(settings.has_secret());
  settings.endpoint = "http://127.0.0.1:1/a";
  EXPECT_FALSE(settings.empty());
  EXPECT_FALSE(settings.has_secret());
  settings.sas_token = "sv=1";
  EXPECT_TRUE(settings.has_secret());
}

TEST(AzureSettings, ExpandsEveryFieldAndNamesTheUnsetOne) {
  const std::map<std::string, std::string> values = {{"A", "acct"}, {"K", "a2V5"}};
  const EnvLookup env = [&](std::string_view name) -> std::optional<std::string> {
    auto it = values.find(std::string(name));
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
  AzureSettings settings;
  settings.account = "${A}";
  settings.key = "${K}";
  settings.endpoint = "http://h/$${A}";
  auto expanded = ExpandAzureSettings(settings, env);
  ASSERT_TRUE(expanded) << expanded.error().ToString();
  EXPECT_EQ(expanded->account, "acct");
  EXPECT_EQ(expanded->key, "a2V5");
  EXPECT_EQ(expanded->endpoint, "http://h/${A}");
  settings.connection_string = "${CONN}";
  settings.source = "x.toml [storage.azure]";
  auto unset = ExpandAzureSettings(settings, env);
  ASSERT_FALSE(unset);
  EXPECT_NE(unset.error().message().find("x.toml [storage.azure] connection_string"), std::string::npos)
      << unset.error().message();
  EXPECT_NE(unset.error().message().find("CONN"), std::string::npos);
}

}  // namespace
}  // namespace jsm::storage
