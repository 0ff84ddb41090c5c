#include "storage/azure_connection_string.h"

#include <string>

namespace jsm::storage {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const char x = (a[i] >= 'A' && a[i] <= 'Z') ? static_cast<char>(a[i] + 32) : a[i];
    const char y = (b[i] >= 'A' && b[i] <= 'Z') ? static_cast<char>(b[i] + 32) : b[i];
    if (x != y) return false;
  }
  return true;
}

}  // namespace

Result<AzureCredentials> ParseConnectionString(std::string_view text) {
  AzureCredentials credentials;
  std::string protocol = "https";
  std::string suffix = "core.windows.net";
  bool development = false;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(';', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view part = Trim(text.substr(start, end - start));
    start = end + 1;
    if (part.empty()) continue;
    const size_t eq = part.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      // The part may hold a secret: say where it is, not what it is.
      return MakeError(ErrorCode::kInvalidArgument,
                       "Azure connection string: a part is not Key=Value (near character " +
                           std::to_string(start - part.size() - 1) + ")");
    }
    const std::string_view key = Trim(part.substr(0, eq));
    const std::string value(Trim(part.substr(eq + 1)));
    if (EqualsIgnoreCase(key, "AccountName")) {
      credentials.account = value;
    } else if (EqualsIgnoreCase(key, "AccountKey")) {
      credentials.account_key = value;
    } else if (EqualsIgnoreCase(key, "SharedAccessSignature")) {
      credentials.sas_token = value.starts_with('?') ? value.substr(1) : value;
    } else if (EqualsIgnoreCase(key, "BlobEndpoint")) {
      credentials.blob_endpoint = value;
    } else if (EqualsIgnoreCase(key, "DefaultEndpointsProtocol")) {
      if (value != "http" && value != "https") {
        return MakeError(
            ErrorCode::kInvalidArgument,
            "Azure connection string: DefaultEndpointsProtocol must be http or https, not '" + value + "'");
      }
      protocol = value;
    } else if (EqualsIgnoreCase(key, "EndpointSuffix")) {
      suffix = value;
    } else if (EqualsIgnoreCase(key, "UseDevelopmentStorage")) {
      development = EqualsIgnoreCase(value, "true");
    }
  }
  if (development) {
    if (credentials.account.empty()) credentials.account = std::string(kDevelopmentAccount);
    if (credentials.account_key.empty() && credentials.sas_token.empty()) {
      credentials.account_key = std::string(kDevelopmentAccountKey);
    }
    if (credentials.blob_endpoint.empty())
      credentials.blob_endpoint = "http://127.0.0.1:10000/" + credentials.account;
  }
  while (credentials.blob_endpoint.ends_with('/')) credentials.blob_endpoint.pop_back();
  if (credentials.account.empty() && !credentials.blob_endpoint.empty()) {
    // A SAS connection string may give only BlobEndpoint: the account is its host's first label.
    std::string_view host = credentials.blob_endpoint;
    if (const size_t scheme = host.find("://"); scheme != std::string_view::npos)
      host.remove_prefix(scheme + 3);
    host = host.substr(0, host.find_first_of("./:"));
    credentials.account = std::string(host);
  }
  if (credentials.account.empty()) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "Azure connection string has no AccountName (nor BlobEndpoint, nor UseDevelopmentStorage=true)");
  }
  if (credentials.blob_endpoint.empty()) {
    credentials.blob_endpoint = protocol + "://" + credentials.account + ".blob." + suffix;
  }
  return credentials;
}

}  // namespace jsm::storage
