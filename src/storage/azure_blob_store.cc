#include "storage/azure_blob_store.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>
#include <thread>

#include "common/logging.h"
#include "storage/azure_auth.h"
#include "storage/azure_xml.h"
#include "storage/base64.h"
#include "storage/http_date.h"

namespace jsm::storage {
namespace {

/// Percent-encodes everything but RFC 3986 unreserved characters (and '/' when `keep_slash`).
std::string PercentEncode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + 8);
  for (const char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                            c == '-' || c == '.' || c == '_' || c == '~' || (keep_slash && c == '/');
    if (unreserved) {
      out.push_back(c);
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 15]);
    }
  }
  return out;
}

/// Escapes quotes, backslashes and control characters for a JSON log field.
std::string JsonEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

uint64_t RandomU64() {
  thread_local std::mt19937_64 engine{
      std::random_device{}() ^
      static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count())};
  return engine();
}

Result<size_t> PositiveSize(const EnvLookup& env, std::string_view name, size_t fallback) {
  const auto value = env(name);
  if (!value) return fallback;
  size_t parsed = 0;
  const auto [ptr, ec] = std::from_chars(value->data(), value->data() + value->size(), parsed);
  if (ec != std::errc() || ptr != value->data() + value->size() || parsed == 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(name) + "='" + *value + "' is not a positive whole number");
  }
  return parsed;
}

}  // namespace

Result<AzureBlobOptions> AzureBlobOptionsFromEnvironment(const EnvLookup& env) {
  AzureBlobOptions options;
  JSM_ASSIGN_OR_RETURN(options.single_put_limit,
                       PositiveSize(env, "JSM_AZURE_SINGLE_PUT_BYTES", options.single_put_limit));
  JSM_ASSIGN_OR_RETURN(options.block_size, PositiveSize(env, "JSM_AZURE_BLOCK_BYTES", options.block_size));
  JSM_ASSIGN_OR_RETURN(const size_t retry_seconds, PositiveSize(env, "JSM_AZURE_RETRY_SECONDS",
                                                                options.retry.max_elapsed.count() / 1000));
  options.retry.max_elapsed = std::chrono::seconds(retry_seconds);
  JSM_ASSIGN_OR_RETURN(const size_t timeout_seconds, PositiveSize(env, "JSM_AZURE_TIMEOUT_SECONDS",
                                                                  options.http.request_timeout_ms / 1000));
  options.http.request_timeout_ms = static_cast<long>(timeout_seconds * 1000);
  if (options.block_size > (4000ull << 20)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "JSM_AZURE_BLOCK_BYTES is above Azure's 4000 MiB block limit");
  }
  return options;
}

AzureBlobStore::AzureBlobStore(AzureLocation location, AzureCredentials credentials, AzureBlobOptions options,
                               std::unique_ptr<HttpClient> http, std::string endpoint_path)
    : location_(std::move(location)),
      credentials_(std::move(credentials)),
      options_(std::move(options)),
      http_(std::move(http)),
      endpoint_path_(std::move(endpoint_path)) {}

Result<std::unique_ptr<AzureBlobStore>> AzureBlobStore::Open(AzureLocation location,
                                                             AzureCredentials credentials,
                                                             AzureBlobOptions options) {
  if (location.account.empty()) location.account = credentials.account;
  if (options.block_size == 0 || options.single_put_limit == 0) {
    return MakeError(ErrorCode::kInvalidArgument, "Azure block size and single put limit must be positive");
  }
  std::string_view endpoint = credentials.blob_endpoint;
  const size_t scheme = endpoint.find("://");
  if (scheme == std::string_view::npos) {
    return MakeError(ErrorCode::kInvalidArgument, "Azure blob endpoint '" + credentials.blob_endpoint +
                                                      "' must be http://host[:port][/path] or https://...");
  }
  const size_t path_start = endpoint.find('/', scheme + 3);
  std::string endpoint_path =
      path_start == std::string_view::npos ? "" : std::string(endpoint.substr(path_start));
  JSM_ASSIGN_OR_RETURN(std::unique_ptr<HttpClient> http, HttpClient::Create(options.http));
  const bool create = options.create_container;
  const bool check = options.check_container;
  std::unique_ptr<AzureBlobStore> store(new AzureBlobStore(std::move(location), std::move(credentials),
                                                           std::move(options), std::move(http),
                                                           std::move(endpoint_path)));
  if (create) {
    JSM_RETURN_IF_ERROR(store->CreateContainer());
  } else if (check) {
    JSM_RETURN_IF_ERROR(store->CheckContainerExists());
  }
  return store;
}

std::string AzureBlobStore::Describe() const {
  std::string text = "az://" + location_.container;
  if (!location_.prefix.empty()) text += "/" + location_.prefix;
  return text + " (account " + credentials_.account + ")";
}

Result<std::string> AzureBlobStore::BlobName(std::string_view path) const {
  JSM_RETURN_IF_ERROR(CheckObjectKey(path));
  if (location_.prefix.empty()) return std::string(path);
  return location_.prefix + "/" + std::string(path);
}

Error AzureBlobStore::ResponseError(const Call& call, const HttpResponse& response) const {
  std::string azure_code(response.Header("x-ms-error-code"));
  const AzureErrorBody body = ParseAzureErrorXml(response.body);
  if (azure_code.empty()) azure_code = body.code;
  std::string message = "Azure Blob " + call.method + " account '" + credentials_.account + "' container '" +
                        location_.container + "'";
  if (!call.blob.empty()) message += " blob '" + call.blob + "'";
  message += ": HTTP " + std::to_string(response.status);
  if (!azure_code.empty()) message += " " + azure_code;
  if (!body.message.empty()) message += " (" + body.message + ")";
  if (response.status == 403) {
    message += "; check the account key or SAS token ([storage.azure] in the config, or the AZURE_STORAGE_* "
               "environment variables) and its permissions on the container";
  }
  ErrorCode code = ErrorCode::kIoError;
  if (response.status == 403) code = ErrorCode::kPermissionDenied;
  if (response.status == 404) code = ErrorCode::kNotFound;
  if (response.status == 409 || response.status == 412) code = ErrorCode::kAlreadyExists;
  if (IsRetryableHttpStatus(response.status)) code = ErrorCode::kUnavailable;
  return Error(code, std::move(message));
}

Result<HttpResponse> AzureBlobStore::Execute(const Call& call, int* attempts) {
  std::string encoded_path = endpoint_path_ + "/" + location_.container;
  if (!call.blob.empty()) encoded_path += "/" + PercentEncode(call.blob, /*keep_slash=*/true);
  std::string url =
      credentials_.blob_endpoint.substr(0, credentials_.blob_endpoint.size() - endpoint_path_.size()) +
      encoded_path;
  char separator = '?';
  for (const auto& [name, value] : call.query) {
    url.push_back(separator);
    url += PercentEncode(name, false) + "=" + PercentEncode(value, false);
    separator = '&';
  }
  const bool use_key = !credentials_.account_key.empty();
  if (!use_key && !credentials_.sas_token.empty()) {
    url.push_back(separator);
    url += credentials_.sas_token;
  }

  const auto started = std::chrono::steady_clock::now();
  Error last_error(ErrorCode::kUnavailable, "no attempt made");
  for (int attempt = 0;; ++attempt) {
    if (attempts != nullptr) *attempts = attempt + 1;
    HttpRequest request;
    request.method = call.method;
    request.url = url;
    request.body = call.body;
    request.headers = call.headers;
    request.headers.emplace_back("x-ms-date", FormatHttpDate(static_cast<int64_t>(std::time(nullptr))));
    request.headers.emplace_back("x-ms-version", options_.api_version);
    if (use_key) {
      const SignedRequest to_sign{call.method, encoded_path, &call.query, &request.headers, call.body.size()};
      JSM_ASSIGN_OR_RETURN(
          const std::string signature,
          SharedKeySignature(credentials_.account_key, SharedKeyStringToSign(credentials_.account, to_sign)));
      request.headers.emplace_back("Authorization", "SharedKey " + credentials_.account + ":" + signature);
    }
    Result<HttpResponse> response = http_->Send(request);
    if (response && !IsRetryableHttpStatus(response->status)) return response;
    if (response) {
      last_error = ResponseError(call, *response);
    } else {
      std::string message = "Azure Blob " + call.method + " account '" + credentials_.account +
                            "' container '" + location_.container + "'";
      if (!call.blob.empty()) message += " blob '" + call.blob + "'";
      last_error = Error(response.error().code(), message + ": " + response.error().message());
    }
    const auto elapsed = std::chrono::steady_clock::now() - started;
    const auto delay = BackoffDelay(options_.retry, attempt, RandomU64());
    if (attempt + 1 >= options_.retry.max_attempts || elapsed + delay > options_.retry.max_elapsed) {
      return std::unexpected(
          last_error.WithContext("gave up after " + std::to_string(attempt + 1) + " attempts"));
    }
    Log().warn(R"("storage request retried","error":"{}","retry":{},"delay_ms":{})",
               JsonEscape(last_error.message()), attempt + 1, delay.count());
    std::this_thread::sleep_for(delay);
  }
}

Status AzureBlobStore::CreateContainer() {
  const Call call{"PUT", "", {{"restype", "container"}}, {}, {}};
  JSM_ASSIGN_OR_RETURN(const HttpResponse response, Execute(call));
  if (response.status == 201 || response.status == 409) return Status::Ok();
  // A SAS or role scoped to blobs may not create containers: the container may well exist,
  // and the first real request says so clearly if it does not.
  if (response.status == 403) return Status::Ok();
  return std::unexpected(ResponseError(call, response));
}

Status AzureBlobStore::CheckContainerExists() {
  const Call call{"GET", "", {{"restype", "container"}}, {}, {}};
  JSM_ASSIGN_OR_RETURN(const HttpResponse response, Execute(call));
  if (response.status == 200 || response.status == 403) return Status::Ok();
  if (response.status == 404) {
    return MakeError(ErrorCode::kNotFound, "no container '" + location_.container + "' in Azure account '" +
                                               credentials_.account + "': this command creates nothing (`jsm run` "
                                               "creates the container of a new lakehouse)");
  }
  return std::unexpected(ResponseError(call, response));
}

/// A held Lease Blob lease; released when destroyed.
class AzureBlobStore::BlobLease : public StoreLease {
 public:
  BlobLease(AzureBlobStore* store, std::string blob, std::string lease_id)
      : store_(store), blob_(std::move(blob)), lease_id_(std::move(lease_id)) {}
  ~BlobLease() override {
    Call call;
    auto released = store_->LeaseCall(blob_, {{"x-ms-lease-action", "release"}, {"x-ms-lease-id", lease_id_}}, &call);
    if (!released || released->status != 200) {
      Log().warn(R"("lease not released: it expires by itself","blob":"{}","seconds":{})", JsonEscape(blob_),
                 kLeaseSeconds);
    }
  }
  Status Renew() override {
    Call call;
    JSM_ASSIGN_OR_RETURN(const HttpResponse response,
                         store_->LeaseCall(blob_, {{"x-ms-lease-action", "renew"}, {"x-ms-lease-id", lease_id_}}, &call));
    if (response.status == 200) return Status::Ok();
    const Error error = store_->ResponseError(call, response);
    if (response.status == 409 || response.status == 412) {
      return MakeError(ErrorCode::kConflict, "the lease was lost (not renewed within its " +
                                                 std::to_string(kLeaseSeconds) + " s term): " + error.message());
    }
    return std::unexpected(error);
  }
  int term_s() const override { return kLeaseSeconds; }

 private:
  AzureBlobStore* store_;
  std::string blob_;
  std::string lease_id_;
};

Result<HttpResponse> AzureBlobStore::LeaseCall(const std::string& blob, std::vector<HttpField> headers, Call* call) {
  *call = Call{"PUT", blob, {{"comp", "lease"}}, std::move(headers), {}};
  return Execute(*call);
}

Result<std::unique_ptr<StoreLease>> AzureBlobStore::TryLease(std::string_view path, std::string_view holder) {
  JSM_ASSIGN_OR_RETURN(const std::string blob, BlobName(path));
  Status created = PutIfAbsent(path, std::string(holder) + "\n");
  if (!created && created.error().code() != ErrorCode::kAlreadyExists) return std::unexpected(created.error());
  Call call;
  JSM_ASSIGN_OR_RETURN(const HttpResponse response,
                       LeaseCall(blob, {{"x-ms-lease-action", "acquire"},
                                        {"x-ms-lease-duration", std::to_string(kLeaseSeconds)}}, &call));
  if (response.status == 201) {
    const std::string lease_id(response.Header("x-ms-lease-id"));
    if (lease_id.empty()) return MakeError(ErrorCode::kCorruption, "Azure Lease Blob on '" + blob + "': no x-ms-lease-id");
    return std::unique_ptr<StoreLease>(std::make_unique<BlobLease>(this, blob, lease_id));
  }
  if (response.status == 409) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "blob '" + blob + "' of container '" + location_.container +
                         "' is leased by another process (its lease ends " + std::to_string(kLeaseSeconds) +
                         " s after that process stops renewing it)");
  }
  return std::unexpected(ResponseError(call, response));
}

Result<std::string> AzureBlobStore::Get(std::string_view path) {
  JSM_ASSIGN_OR_RETURN(std::string blob, BlobName(path));
  const Call call{"GET", std::move(blob), {}, {}, {}};
  JSM_ASSIGN_OR_RETURN(HttpResponse response, Execute(call));
  if (response.status == 200) return std::move(response.body);
  return std::unexpected(ResponseError(call, response));
}

Result<std::string> AzureBlobStore::GetRange(std::string_view path, uint64_t offset, uint64_t length) {
  if (length == 0) return std::string();
  JSM_ASSIGN_OR_RETURN(std::string blob, BlobName(path));
  const Call call{
      "GET",
      std::move(blob),
      {},
      {{"x-ms-range", "bytes=" + std::to_string(offset) + "-" + std::to_string(offset + length - 1)}},
      {}};
  JSM_ASSIGN_OR_RETURN(HttpResponse response, Execute(call));
  if (response.status == 206 || response.status == 200) return std::move(response.body);
  if (response.status == 416) return std::string();  // the range starts at or past the end
  return std::unexpected(ResponseError(call, response));
}

Status AzureBlobStore::PutSingle(const std::string& blob, std::string_view data, bool if_absent,
                                 int* attempts) {
  Call call{
      "PUT", blob, {}, {{"x-ms-blob-type", "BlockBlob"}, {"Content-Type", "application/octet-stream"}}, data};
  if (if_absent) call.headers.emplace_back("If-None-Match", "*");
  JSM_ASSIGN_OR_RETURN(const HttpResponse response, Execute(call, attempts));
  if (response.status == 201) return Status::Ok();
  return std::unexpected(ResponseError(call, response));
}

Status AzureBlobStore::PutBlocks(const std::string& blob, std::string_view data, bool if_absent,
                                 int* attempts) {
  // Block ids are unique per upload, so two writers of the same blob never mix blocks.
  char upload[24];
  std::snprintf(upload, sizeof(upload), "%016llx", static_cast<unsigned long long>(RandomU64()));
  std::string block_list = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>";
  size_t index = 0;
  for (size_t offset = 0; offset < data.size(); offset += options_.block_size, ++index) {
    char raw_id[40];
    std::snprintf(raw_id, sizeof(raw_id), "jsm-%s-%06zu", upload, index);
    const std::string block_id = Base64Encode(raw_id);
    const Call call{"PUT",
                    blob,
                    {{"comp", "block"}, {"blockid", block_id}},
                    {{"Content-Type", "application/octet-stream"}},
                    data.substr(offset, options_.block_size)};
    JSM_ASSIGN_OR_RETURN(const HttpResponse response, Execute(call));
    if (response.status != 201) return std::unexpected(ResponseError(call, response));
    block_list += "<Latest>" + block_id + "</Latest>";
  }
  block_list += "</BlockList>";
  Call call{"PUT", blob, {{"comp", "blocklist"}}, {{"Content-Type", "application/xml"}}, block_list};
  if (if_absent) call.headers.emplace_back("If-None-Match", "*");
  JSM_ASSIGN_OR_RETURN(const HttpResponse response, Execute(call, attempts));
  if (response.status == 201) return Status::Ok();
  return std::unexpected(ResponseError(call, response));
}

Status AzureBlobStore::Put(std::string_view path, std::string_view data) {
  JSM_ASSIGN_OR_RETURN(const std::string blob, BlobName(path));
  int attempts = 0;
  if (data.size() <= options_.single_put_limit) return PutSingle(blob, data, false, &attempts);
  return PutBlocks(blob, data, false, &attempts);
}

Status AzureBlobStore::PutIfAbsent(std::string_view path, std::string_view data) {
  JSM_ASSIGN_OR_RETURN(const std::string blob, BlobName(path));
  int attempts = 0;
  Status status = data.size() <= options_.single_put_limit ? PutSingle(blob, data, true, &attempts)
                                                           : PutBlocks(blob, data, true, &attempts);
  if (status || status.error().code() != ErrorCode::kAlreadyExists || attempts <= 1) return status;
  // A retried conditional create that finds the blob may have created it itself on an attempt
  // whose answer was lost. The blob holding exactly our bytes means it did: that is success,
  // not a conflict (a Delta commit carries a unique txn id and timestamp, so another writer's
  // commit never has the same bytes).
  auto existing = Get(path);
  if (existing && *existing == data) return Status::Ok();
  return status;
}

Result<std::vector<ObjectInfo>> AzureBlobStore::List(std::string_view prefix) {
  if (prefix.starts_with('/')) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "list prefix '" + std::string(prefix) + "' must be relative");
  }
  const std::string root = location_.prefix.empty() ? "" : location_.prefix + "/";
  const std::string full_prefix = root + std::string(prefix);
  std::vector<ObjectInfo> out;
  std::string marker;
  while (true) {
    Call call{
        "GET",
        "",
        {{"restype", "container"}, {"comp", "list"}, {"maxresults", std::to_string(options_.list_page_size)}},
        {},
        {}};
    call.query.emplace_back("include", "metadata");
    if (!full_prefix.empty()) call.query.emplace_back("prefix", full_prefix);
    if (!marker.empty()) call.query.emplace_back("marker", marker);
    JSM_ASSIGN_OR_RETURN(const HttpResponse response, Execute(call));
    if (response.status == 404) return out;  // no container: nothing stored yet
    if (response.status != 200) return std::unexpected(ResponseError(call, response));
    auto page = ParseBlobListXml(response.body);
    if (!page) return std::unexpected(page.error().WithContext(Describe()));
    for (ObjectInfo& info : page->blobs) {
      if (!info.path.starts_with(root)) continue;
      info.path.erase(0, root.size());
      out.push_back(std::move(info));
    }
    if (page->next_marker.empty()) break;
    marker = std::move(page->next_marker);
  }
  std::sort(out.begin(), out.end(), [](const ObjectInfo& a, const ObjectInfo& b) { return a.path < b.path; });
  return out;
}

Status AzureBlobStore::Delete(std::string_view path) {
  JSM_ASSIGN_OR_RETURN(std::string blob, BlobName(path));
  const Call call{"DELETE", std::move(blob), {}, {}, {}};
  JSM_ASSIGN_OR_RETURN(const HttpResponse response, Execute(call));
  if (response.status == 202 || response.status == 200 || response.status == 404) return Status::Ok();
  return std::unexpected(ResponseError(call, response));
}

}  // namespace jsm::storage
