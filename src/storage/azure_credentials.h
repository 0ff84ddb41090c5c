#pragma once
/// The account, secret and endpoint an AzureBlobStore talks to, resolved from the config's
/// `[storage.azure]` section and the AZURE_STORAGE_* environment variables (the config wins).
/// The secret never enters a message.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/environment.h"
#include "common/status.h"
#include "storage/azure_settings.h"
#include "storage/azure_uri.h"

namespace jsm::storage {

/// Azurite's well-known development account (public by design, documented by Microsoft).
inline constexpr std::string_view kDevelopmentAccount = "devstoreaccount1";
/// The published key of the development account.
inline constexpr std::string_view kDevelopmentAccountKey =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/// One storage account and how to authenticate to it: a Shared Key, a SAS token, or neither (public).
struct AzureCredentials {
  std::string account;        ///< storage account name
  std::string account_key;    ///< base64 Shared Key as given, or empty
  std::string sas_token;      ///< SAS query string without the leading '?', or empty
  std::string blob_endpoint;  ///< e.g. https://acct.blob.core.windows.net, no trailing '/'; empty = default
};

/// Credentials for `location` from the environment only (no config section): see the overload.
Result<AzureCredentials> ResolveAzureCredentials(const AzureLocation& location, const EnvLookup& env);

/// Credentials for `location`; the config section `settings` wins over the environment, one
/// setting at a time ("${VAR}" in its values expanded through `env` first):
///  - secrets: the config's connection_string, else its key and/or sas_token; only when the config
///    has none of them: AZURE_STORAGE_CONNECTION_STRING, else AZURE_STORAGE_KEY / AZURE_STORAGE_SAS_TOKEN.
///    Secrets are never mixed from the two sources.
///  - account: the connection string's AccountName, else the config's account, else
///    AZURE_STORAGE_ACCOUNT, else the abfss:// URI's; every account named must agree.
///  - endpoint: the config's endpoint, else AZURE_STORAGE_ENDPOINT, else the connection string's
///    BlobEndpoint, else https://<account>.blob.core.windows.net.
/// Errors name the setting, account or variable, never a secret.
Result<AzureCredentials> ResolveAzureCredentials(const AzureLocation& location, const AzureSettings& settings,
                                                 const EnvLookup& env);

/// Checks a `[storage.azure]` section on its own (for `jsm config check`): every "${VAR}" is set,
/// a connection string parses, a key is base64, an endpoint is http(s)://, the account name is
/// valid (3-24 lowercase letters and digits). Errors name the setting, never a secret.
Status ValidateAzureSettings(const AzureSettings& settings, const EnvLookup& env);

}  // namespace jsm::storage
