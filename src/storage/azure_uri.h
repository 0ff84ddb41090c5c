#pragma once
/// Lakehouse URIs that name a place in Azure Blob Storage:
///   az://container/path                                   (account from the credentials)
///   abfss://container@account.dfs.core.windows.net/path   (ADLS Gen2 form; served over the Blob endpoint)

#include <string>
#include <string_view>

#include "common/status.h"

namespace jsm::storage {

/// Where a lakehouse lives in a storage account.
struct AzureLocation {
  std::string account;    ///< empty for az:// (taken from the credentials)
  std::string container;  ///< blob container (ADLS Gen2: file system)
  std::string prefix;     ///< blob name prefix without leading or trailing '/', may be empty
};

/// True if `uri` has a scheme this parser handles (az, abfs, abfss).
bool IsAzureUri(std::string_view uri);

/// Parses an az:// or abfs[s]:// URI; kInvalidArgument naming the URI when it is malformed.
Result<AzureLocation> ParseAzureUri(std::string_view uri);

}  // namespace jsm::storage
