#pragma once
/// The account, secret and endpoint an AzureBlobStore talks to, resolved from a connection
/// string or the AZURE_STORAGE_* environment variables. The secret never enters a message.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
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

/// Looks up an environment variable; std::nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

/// The process environment as an EnvLookup.
EnvLookup ProcessEnvironment();

/// Credentials for `location` from, in order: AZURE_STORAGE_CONNECTION_STRING, or
/// AZURE_STORAGE_ACCOUNT (or the abfss:// URI's account) with AZURE_STORAGE_KEY or
/// AZURE_STORAGE_SAS_TOKEN; AZURE_STORAGE_ENDPOINT overrides the blob endpoint (Azurite).
/// The endpoint defaults to https://<account>.blob.core.windows.net.
Result<AzureCredentials> ResolveAzureCredentials(const AzureLocation& location, const EnvLookup& env);

}  // namespace jsm::storage
