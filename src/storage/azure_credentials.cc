#include "storage/azure_credentials.h"

#include <cstdlib>
#include <string>

#include "storage/azure_connection_string.h"

namespace jsm::storage {

EnvLookup ProcessEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
}

Result<AzureCredentials> ResolveAzureCredentials(const AzureLocation& location, const EnvLookup& env) {
  AzureCredentials credentials;
  if (const auto connection = env("AZURE_STORAGE_CONNECTION_STRING")) {
    auto parsed = ParseConnectionString(*connection);
    if (!parsed) return std::unexpected(parsed.error().WithContext("AZURE_STORAGE_CONNECTION_STRING"));
    credentials = std::move(*parsed);
  } else {
    credentials.account =
        env("AZURE_STORAGE_ACCOUNT").value_or(env("AZURE_STORAGE_ACCOUNT_NAME").value_or(""));
    credentials.account_key =
        env("AZURE_STORAGE_KEY").value_or(env("AZURE_STORAGE_ACCOUNT_KEY").value_or(""));
    credentials.sas_token = env("AZURE_STORAGE_SAS_TOKEN").value_or("");
    if (credentials.sas_token.starts_with('?')) credentials.sas_token.erase(0, 1);
  }
  if (credentials.account.empty()) credentials.account = location.account;
  if (credentials.account.empty()) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "no Azure storage account for container '" + location.container +
            "': set AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY "
            "or AZURE_STORAGE_SAS_TOKEN, or use abfss://container@account.dfs.core.windows.net/path");
  }
  if (!location.account.empty() && location.account != credentials.account) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the lakehouse URI names storage account '" + location.account +
                         "' but the credentials are for account '" + credentials.account + "'");
  }
  if (const auto endpoint = env("AZURE_STORAGE_ENDPOINT")) credentials.blob_endpoint = *endpoint;
  while (credentials.blob_endpoint.ends_with('/')) credentials.blob_endpoint.pop_back();
  if (credentials.blob_endpoint.empty()) {
    credentials.blob_endpoint = "https://" + credentials.account + ".blob.core.windows.net";
  }
  if (!credentials.blob_endpoint.starts_with("http://") &&
      !credentials.blob_endpoint.starts_with("https://")) {
    return MakeError(ErrorCode::kInvalidArgument, "Azure blob endpoint '" + credentials.blob_endpoint +
                                                      "' must start with http:// or https://");
  }
  return credentials;
}

}  // namespace jsm::storage
