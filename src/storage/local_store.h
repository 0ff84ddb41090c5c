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

  const std::string& root() const { return root_; }

 private:
  explicit LocalStore(std::string root) : root_(std::move(root)) {}
  std::string FullPath(std::string_view path) const;

  std::string root_;
};

}  // namespace jsm::storage
