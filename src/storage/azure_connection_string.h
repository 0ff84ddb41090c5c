#pragma once
/// Azure Storage connection strings: "Key=Value;Key=Value;..." with AccountName, AccountKey,
/// SharedAccessSignature, BlobEndpoint, DefaultEndpointsProtocol, EndpointSuffix, or
/// UseDevelopmentStorage=true (Azurite's development account on 127.0.0.1:10000).

#include <string_view>

#include "common/status.h"
#include "storage/azure_credentials.h"

namespace jsm::storage {

/// Parses a connection string. Unknown keys are ignored; a malformed one is kInvalidArgument
/// whose message names the offending key, never a secret value.
Result<AzureCredentials> ParseConnectionString(std::string_view text);

}  // namespace jsm::storage
