#include "storage/object_store.h"

#include <string>

#include "storage/azure_blob_store.h"
#include "storage/azure_credentials.h"
#include "storage/azure_uri.h"
#include "storage/local_store.h"

namespace jsm::storage {

Status CheckObjectKey(std::string_view key) {
  if (key.empty() || key.starts_with('/') || key.ends_with('/')) {
    return MakeError(ErrorCode::kInvalidArgument, "object key '" + std::string(key) + "' must be a relative file path");
  }
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string_view::npos) end = key.size();
    const std::string_view segment = key.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") {
      return MakeError(ErrorCode::kInvalidArgument,
                       "object key '" + std::string(key) + "' has an empty, '.' or '..' path segment");
    }
    start = end + 1;
  }
  return Status::Ok();
}

Result<std::string> ObjectStore::GetRange(std::string_view path, uint64_t offset, uint64_t length) {
  JSM_ASSIGN_OR_RETURN(std::string data, Get(path));
  if (offset >= data.size()) return std::string();
  return data.substr(offset, length);
}

Result<std::unique_ptr<StoreLease>> ObjectStore::TryLease(std::string_view path, std::string_view) {
  return MakeError(ErrorCode::kUnsupported, "store " + Describe() + " has no leases (asked for " + std::string(path) + ")");
}

Result<std::unique_ptr<ObjectStore>> OpenStore(std::string_view uri, const StoreSettings& settings,
                                               bool create_missing) {
  if (uri.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "storage URI is empty");
  }
  if (IsAzureUri(uri)) {
    JSM_ASSIGN_OR_RETURN(AzureLocation location, ParseAzureUri(uri));
    const EnvLookup env = ProcessEnvironment();
    JSM_ASSIGN_OR_RETURN(AzureCredentials credentials, ResolveAzureCredentials(location, settings.azure, env));
    JSM_ASSIGN_OR_RETURN(AzureBlobOptions options, AzureBlobOptionsFromEnvironment(env));
    if (!create_missing) {
      options.create_container = false;
      options.check_container = true;
    }
    JSM_ASSIGN_OR_RETURN(std::unique_ptr<AzureBlobStore> store,
                         AzureBlobStore::Open(std::move(location), std::move(credentials), std::move(options)));
    return std::unique_ptr<ObjectStore>(std::move(store));
  }
  constexpr std::string_view kFileScheme = "file://";
  std::string_view local_path = uri;
  if (uri.starts_with(kFileScheme)) {
    local_path = uri.substr(kFileScheme.size());
    // file:///data and file://localhost/data name the same local directory.
    if (local_path.starts_with("localhost/")) local_path.remove_prefix(std::string_view("localhost").size());
    if (!local_path.starts_with('/')) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "storage URI '" + std::string(uri) + "' must name an absolute path, e.g. file:///data/lakehouse");
    }
  } else if (const size_t scheme_end = uri.find("://"); scheme_end != std::string_view::npos) {
    return MakeError(ErrorCode::kUnsupported,
                     "storage scheme '" + std::string(uri.substr(0, scheme_end)) + "' of '" + std::string(uri) +
                         "' is not supported; use a local directory path, a file:// URI, az://container/path or "
                         "abfss://container@account.dfs.core.windows.net/path");
  }
  JSM_ASSIGN_OR_RETURN(std::unique_ptr<LocalStore> store, LocalStore::Open(std::string(local_path)));
  return std::unique_ptr<ObjectStore>(std::move(store));
}

}  // namespace jsm::storage
