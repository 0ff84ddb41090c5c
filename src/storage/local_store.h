#pragma once
/// ObjectStore over a local directory: atomic writes by temp file + rename,
/// put-if-absent by link(2), which fails when the target exists.

#include <string>

#include "storage/object_store.h"

namespace jsm::storage {

/// A directory on local disk as an object store.
class LocalStore : public ObjectStore {
 public:
  /// Opens (creating if missing) the directory `root`.
  static Result<std::unique_ptr<LocalStore>> Open(std::string root);

  Result<std::string> Get(std::string_view path) override;
  Status Put(std::string_view path, std::string_view data) override;
  Status PutIfAbsent(std::string_view path, std::string_view data) override;
  Result<std::vector<ObjectInfo>> List(std::string_view prefix) override;
  Status Delete(std::string_view path) override;
  std::string Describe() const override { return root_; }
  /// An flock(2) on the file: released by the kernel when the process ends.
  Result<std::unique_ptr<StoreLease>> TryLease(std::string_view path, std::string_view holder) override;

  const std::string& root() const { return root_; }

 private:
  explicit LocalStore(std::string root) : root_(std::move(root)) {}
  std::string FullPath(std::string_view path) const;

  std::string root_;
};

/// The kind of an errno from a local file operation, decided once here: ENOENT/ENOTDIR
/// kNotFound; EACCES/EPERM/EROFS kPermissionDenied; ENOSPC/EDQUOT kResourceExhausted (a
/// person must act: not retried); anything else kIoError (transient). See docs/faults.md.
ErrorCode ErrnoCode(int err);

}  // namespace jsm::storage
