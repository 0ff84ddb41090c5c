#pragma once
/// The object store interface the Delta log and data files are written through.
/// Paths are relative, '/'-separated keys under the store's root.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/azure_settings.h"

namespace jsm::storage {

/// One listed object.
struct ObjectInfo {
  std::string path;          ///< key relative to the store root
  int64_t size = 0;          ///< bytes
  int64_t modified_ms = 0;   ///< last modification, ms since epoch
};

/// An exclusive claim on one key of a store (ObjectStore::TryLease), released when destroyed
/// and, where leases expire (Azure Blob: when the holder stops renewing, e.g. it was killed),
/// also after its term. Advisory: it says who should write, while Delta's optimistic
/// concurrency keeps the tables correct whatever happens.
class StoreLease {
 public:
  virtual ~StoreLease() = default;
  /// Keeps the claim alive; kConflict if it was lost (expired and perhaps taken by another).
  virtual Status Renew() = 0;
  /// Seconds within which Renew must be called again; 0 = held until destroyed (local disk:
  /// the kernel releases it when the process ends, however it ends).
  virtual int term_s() const = 0;
};

/// A flat key/value store of immutable-ish objects (a directory, a blob container).
class ObjectStore {
 public:
  virtual ~ObjectStore() = default;
  /// Whole object. kNotFound when absent.
  virtual Result<std::string> Get(std::string_view path) = 0;
  /// Bytes [offset, offset + length) of an object, fewer at its end. kNotFound when absent.
  /// The default reads the whole object; stores with ranged reads (Azure) override it.
  virtual Result<std::string> GetRange(std::string_view path, uint64_t offset, uint64_t length);
  /// Writes or replaces an object atomically (readers see old or new, never part).
  virtual Status Put(std::string_view path, std::string_view data) = 0;
  /// Creates the object only if absent; kAlreadyExists otherwise. Atomic: of two
  /// concurrent callers exactly one succeeds. This is what Delta commits rely on.
  virtual Status PutIfAbsent(std::string_view path, std::string_view data) = 0;
  /// Objects whose key starts with `prefix`, sorted by key. Empty if none.
  virtual Result<std::vector<ObjectInfo>> List(std::string_view prefix) = 0;
  /// Deletes an object; deleting an absent object succeeds.
  virtual Status Delete(std::string_view path) = 0;
  /// Human description of where this store is (for messages), e.g. "/data/lakehouse".
  virtual std::string Describe() const = 0;
  /// True when reading a few byte ranges (GetRange) is much cheaper than the whole object, as on
  /// a remote store: the Parquet reader then fetches the footer and the needed column chunks only.
  virtual bool PrefersRangedReads() const { return false; }
  /// Claims `path` (created if missing; `holder` is a line saying who claims it, kept where the
  /// store can) for this process alone. kAlreadyExists, saying by whom where known, while
  /// another holds it; kUnsupported for a store without leases (the default).
  virtual Result<std::unique_ptr<StoreLease>> TryLease(std::string_view path, std::string_view holder);
};

/// Settings of the stores OpenStore opens, from the config file (`[storage.*]`).
struct StoreSettings {
  AzureSettings azure;  ///< `[storage.azure]`, for az:// and abfss:// URIs
};

/// A key every store accepts: a relative '/'-separated path without empty, '.' or '..'
/// segments, so no key climbs out of the store's root. kInvalidArgument naming the key otherwise.
Status CheckObjectKey(std::string_view key);

/// Opens a store from a URI: a local directory path or file:// URI (created if missing), or
/// az://container/path and abfss://container@account.dfs.core.windows.net/path (Azure Blob
/// Storage; credentials from `settings.azure` and the AZURE_STORAGE_* environment variables,
/// the config winning, see ResolveAzureCredentials and docs/azure.md). With `create_missing`
/// false (every command but `jsm run`) nothing is created: an Azure container that does not
/// exist makes the first request kNotFound naming it, so a typo never creates a container.
Result<std::unique_ptr<ObjectStore>> OpenStore(std::string_view uri, const StoreSettings& settings = {},
                                               bool create_missing = true);

}  // namespace jsm::storage
