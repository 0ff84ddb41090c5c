#pragma once
/// ObjectStore over Azure Blob Storage (and ADLS Gen2 through its Blob endpoint) via the REST
/// API: Shared Key or SAS auth, block uploads for large objects, conditional create for
/// Delta commits, paged listing, and retries with capped exponential backoff and jitter.

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/azure_credentials.h"
#include "storage/azure_uri.h"
#include "storage/http_client.h"
#include "storage/object_store.h"
#include "storage/retry_policy.h"

namespace jsm::storage {

/// Tuning of an AzureBlobStore.
struct AzureBlobOptions {
  size_t single_put_limit = 32 << 20;  ///< objects up to this many bytes go up in one Put Blob
  size_t block_size = 8 << 20;         ///< larger ones in Put Block pieces of this size, then Put Block List
  bool create_container = true;        ///< create the container at Open when it is missing
  bool check_container = false;        ///< else, at Open, fail with kNotFound if it is missing
  int list_page_size = 5000;           ///< maxresults of one List Blobs page (5000 is the service maximum)
  std::string api_version = "2021-12-02";  ///< x-ms-version of every request
  RetryPolicy retry;
  HttpOptions http;
};

/// Options from the environment: JSM_AZURE_SINGLE_PUT_BYTES, JSM_AZURE_BLOCK_BYTES,
/// JSM_AZURE_RETRY_SECONDS (total retry budget of one operation) and JSM_AZURE_TIMEOUT_SECONDS
/// (one request). kInvalidArgument naming the variable when a value is not a positive number.
Result<AzureBlobOptions> AzureBlobOptionsFromEnvironment(const EnvLookup& env);

/// A container (and a blob-name prefix inside it) as an object store.
class AzureBlobStore : public ObjectStore {
 public:
  /// Opens the store; creates the container when missing and `options.create_container`, or
  /// checks that it exists (kNotFound naming it) with `options.check_container`.
  static Result<std::unique_ptr<AzureBlobStore>> Open(AzureLocation location, AzureCredentials credentials,
                                                      AzureBlobOptions options);

  Result<std::string> Get(std::string_view path) override;
  Result<std::string> GetRange(std::string_view path, uint64_t offset, uint64_t length) override;
  Status Put(std::string_view path, std::string_view data) override;
  Status PutIfAbsent(std::string_view path, std::string_view data) override;
  Result<std::vector<ObjectInfo>> List(std::string_view prefix) override;
  Status Delete(std::string_view path) override;
  std::string Describe() const override;
  bool PrefersRangedReads() const override { return true; }
  /// A Blob Storage lease (Lease Blob, 15 s, renewed by StoreLease::Renew) on an empty blob
  /// at `path`, created if missing. A killed holder's lease expires after its term.
  Result<std::unique_ptr<StoreLease>> TryLease(std::string_view path, std::string_view holder) override;

  /// Term of the leases TryLease takes (Azure allows 15 to 60 s).
  static constexpr int kLeaseSeconds = 15;

 private:
  class BlobLease;
  /// One REST call: the blob it addresses ("" for the container), query and extra headers.
  struct Call {
    std::string method;
    std::string blob;  ///< full blob name (root prefix included), or "" for a container call
    std::vector<HttpField> query;
    std::vector<HttpField> headers;
    std::string_view body;
  };

  AzureBlobStore(AzureLocation location, AzureCredentials credentials, AzureBlobOptions options,
                 std::unique_ptr<HttpClient> http, std::string endpoint_path);

  /// Sends `call`, retrying transport failures and 408/429/5xx within the retry policy.
  /// Returns the final response whatever its status; `attempts` gets the number of sends.
  Result<HttpResponse> Execute(const Call& call, int* attempts = nullptr);
  /// An error for an unexpected response, naming account, container, blob, status and Azure code.
  Error ResponseError(const Call& call, const HttpResponse& response) const;
  /// Full blob name of a store key, after checking the key.
  Result<std::string> BlobName(std::string_view path) const;
  Status PutSingle(const std::string& blob, std::string_view data, bool if_absent, int* attempts);
  Status PutBlocks(const std::string& blob, std::string_view data, bool if_absent, int* attempts);
  Status CreateContainer();
  /// kNotFound naming the container if it does not exist (Get Container Properties); a
  /// credential not allowed to ask (403: a SAS scoped to blobs) is taken as "it exists".
  Status CheckContainerExists();
  /// One Lease Blob call (`x-ms-lease-action` and the other headers in `headers`) on `blob`.
  Result<HttpResponse> LeaseCall(const std::string& blob, std::vector<HttpField> headers, Call* call);

  AzureLocation location_;
  AzureCredentials credentials_;
  AzureBlobOptions options_;
  std::unique_ptr<HttpClient> http_;
  std::string endpoint_path_;  ///< path part of the blob endpoint, e.g. "/devstoreaccount1" on Azurite, or ""
};

}  // namespace jsm::storage
