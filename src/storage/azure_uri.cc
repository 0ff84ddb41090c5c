#include "storage/azure_uri.h"

namespace jsm::storage {
namespace {

constexpr std::string_view kAz = "az://";
constexpr std::string_view kAbfs = "abfs://";
constexpr std::string_view kAbfss = "abfss://";

/// Container names: 3-63 of lowercase letters, digits and single '-', starting and ending alphanumeric.
bool IsValidContainer(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && c != '-') return false;
    if (c == '-' && (i == 0 || i + 1 == name.size() || name[i - 1] == '-')) return false;
  }
  return true;
}

/// Account names: 3-24 lowercase letters and digits.
bool IsValidAccount(std::string_view name) {
  if (name.size() < 3 || name.size() > 24) return false;
  for (const char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

/// Trims '/' from both ends and rejects empty, '.' and '..' segments inside.
Result<std::string> NormalizePrefix(std::string_view uri, std::string_view path) {
  while (path.starts_with('/')) path.remove_prefix(1);
  while (path.ends_with('/')) path.remove_suffix(1);
  size_t start = 0;
  while (!path.empty() && start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") {
      return MakeError(ErrorCode::kInvalidArgument,
                       "Azure URI '" + std::string(uri) + "' has an empty, '.' or '..' path segment");
    }
    start = end + 1;
  }
  return std::string(path);
}

}  // namespace

bool IsAzureUri(std::string_view uri) {
  return uri.starts_with(kAz) || uri.starts_with(kAbfs) || uri.starts_with(kAbfss);
}

Result<AzureLocation> ParseAzureUri(std::string_view uri) {
  AzureLocation location;
  std::string_view rest;
  bool adls = false;
  if (uri.starts_with(kAz)) {
    rest = uri.substr(kAz.size());
  } else if (uri.starts_with(kAbfss)) {
    rest = uri.substr(kAbfss.size());
    adls = true;
  } else if (uri.starts_with(kAbfs)) {
    rest = uri.substr(kAbfs.size());
    adls = true;
  } else {
    return MakeError(ErrorCode::kInvalidArgument, "'" + std::string(uri) +
                                                      "' is not an Azure URI (az://container/path or "
                                                      "abfss://container@account.dfs.core.windows.net/path)");
  }
  const size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  const std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  std::string_view container = authority;
  if (adls) {
    const size_t at = authority.find('@');
    if (at == std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument, "Azure URI '" + std::string(uri) +
                                                        "' must name container@account.dfs.core.windows.net");
    }
    container = authority.substr(0, at);
    const std::string_view host = authority.substr(at + 1);
    const size_t dot = host.find('.');
    location.account = std::string(host.substr(0, dot));
    const std::string_view domain = dot == std::string_view::npos ? std::string_view() : host.substr(dot + 1);
    if (!domain.starts_with("dfs.") && !domain.starts_with("blob.")) {
      return MakeError(ErrorCode::kInvalidArgument, "Azure URI '" + std::string(uri) +
                                                        "' must name a host account.dfs.core.windows.net (or "
                                                        "account.blob.core.windows.net)");
    }
    if (!IsValidAccount(location.account)) {
      return MakeError(ErrorCode::kInvalidArgument, "Azure URI '" + std::string(uri) +
                                                        "' names storage account '" + location.account +
                                                        "': 3-24 lowercase letters and digits expected");
    }
  } else if (authority.find('@') != std::string_view::npos) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Azure URI '" + std::string(uri) +
                         "': az:// takes az://container/path (the account comes from "
                         "AZURE_STORAGE_ACCOUNT or the connection string)");
  }
  if (!IsValidContainer(container)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Azure URI '" + std::string(uri) + "' names container '" + std::string(container) +
                         "': 3-63 lowercase letters, digits and single hyphens expected");
  }
  location.container = std::string(container);
  JSM_ASSIGN_OR_RETURN(location.prefix, NormalizePrefix(uri, path));
  return location;
}

}  // namespace jsm::storage
