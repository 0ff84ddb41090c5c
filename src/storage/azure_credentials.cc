#include "storage/azure_credentials.h"

#include <algorithm>
#include <string>

#include "storage/azure_connection_string.h"
#include "storage/base64.h"

namespace jsm::storage {
namespace {

std::string WithoutQuestionMark(std::string token) {
  if (token.starts_with('?')) token.erase(0, 1);
  return token;
}

/// Names `account` for a message, or says where it came from.
Status CheckSameAccount(const std::string& account, const std::string& other, const std::string& other_source) {
  if (other.empty() || other == account) return Status::Ok();
  return MakeError(ErrorCode::kInvalidArgument, other_source + " names storage account '" + other +
                                                    "' but the credentials are for account '" + account + "'");
}

bool ValidAccountName(std::string_view name) {
  return name.size() >= 3 && name.size() <= 24 &&
         std::all_of(name.begin(), name.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

}  // namespace

Result<AzureCredentials> ResolveAzureCredentials(const AzureLocation& location, const EnvLookup& env) {
  return ResolveAzureCredentials(location, AzureSettings{}, env);
}

Result<AzureCredentials> ResolveAzureCredentials(const AzureLocation& location, const AzureSettings& raw_settings,
                                                 const EnvLookup& env) {
  JSM_ASSIGN_OR_RETURN(const AzureSettings settings, ExpandAzureSettings(raw_settings, env));
  AzureCredentials credentials;
  std::string credentials_source;
  if (!settings.connection_string.empty()) {
    auto parsed = ParseConnectionString(settings.connection_string);
    if (!parsed) return std::unexpected(parsed.error().WithContext(settings.source + " connection_string"));
    credentials = std::move(*parsed);
    credentials_source = settings.source + " connection_string";
  } else if (settings.has_secret()) {
    credentials.account_key = settings.key;
    credentials.sas_token = WithoutQuestionMark(settings.sas_token);
  } else if (const auto connection = env("AZURE_STORAGE_CONNECTION_STRING")) {
    auto parsed = ParseConnectionString(*connection);
    if (!parsed) return std::unexpected(parsed.error().WithContext("AZURE_STORAGE_CONNECTION_STRING"));
    credentials = std::move(*parsed);
    credentials_source = "AZURE_STORAGE_CONNECTION_STRING";
  } else {
    credentials.account_key = env("AZURE_STORAGE_KEY").value_or(env("AZURE_STORAGE_ACCOUNT_KEY").value_or(""));
    credentials.sas_token = WithoutQuestionMark(env("AZURE_STORAGE_SAS_TOKEN").value_or(""));
  }
  const bool from_connection_string = !credentials_source.empty();
  if (!from_connection_string) {
    credentials.account = settings.account;
    if (credentials.account.empty()) {
      credentials.account = env("AZURE_STORAGE_ACCOUNT").value_or(env("AZURE_STORAGE_ACCOUNT_NAME").value_or(""));
    }
  }
  if (credentials.account.empty()) credentials.account = location.account;
  if (credentials.account.empty()) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "no Azure storage account for container '" + location.container +
            "': set [storage.azure] in the config (account with key or sas_token, or connection_string), or "
            "AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY or "
            "AZURE_STORAGE_SAS_TOKEN, or use abfss://container@account.dfs.core.windows.net/path");
  }
  if (from_connection_string) {
    JSM_RETURN_IF_ERROR(CheckSameAccount(credentials.account, settings.account, settings.source + " account"));
  }
  JSM_RETURN_IF_ERROR(CheckSameAccount(credentials.account, location.account, "the lakehouse URI"));
  if (!settings.endpoint.empty()) {
    credentials.blob_endpoint = settings.endpoint;
  } else if (const auto endpoint = env("AZURE_STORAGE_ENDPOINT")) {
    credentials.blob_endpoint = *endpoint;
  }
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

Status ValidateAzureSettings(const AzureSettings& raw_settings, const EnvLookup& env) {
  JSM_ASSIGN_OR_RETURN(const AzureSettings settings, ExpandAzureSettings(raw_settings, env));
  if (!settings.connection_string.empty()) {
    auto parsed = ParseConnectionString(settings.connection_string);
    if (!parsed) return std::unexpected(parsed.error().WithContext(settings.source + " connection_string"));
    if (!settings.key.empty() || !settings.sas_token.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       settings.source + ": give connection_string or key/sas_token, not both");
    }
  }
  if (!settings.key.empty() && !Base64Decode(settings.key)) {
    return MakeError(ErrorCode::kInvalidArgument, settings.source + " key is not valid base64 (an account key is)");
  }
  if (!settings.account.empty() && !ValidAccountName(settings.account)) {
    return MakeError(ErrorCode::kInvalidArgument, settings.source + " account '" + settings.account +
                                                      "' is not a storage account name (3-24 lowercase letters "
                                                      "and digits)");
  }
  if (!settings.endpoint.empty() && !settings.endpoint.starts_with("http://") &&
      !settings.endpoint.starts_with("https://")) {
    return MakeError(ErrorCode::kInvalidArgument, settings.source + " endpoint '" + settings.endpoint +
                                                      "' must start with http:// or https://");
  }
  return Status::Ok();
}

}  // namespace jsm::storage
