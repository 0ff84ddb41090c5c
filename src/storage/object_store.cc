#include "storage/object_store.h"

#include <string>

#include "storage/local_store.h"

namespace jsm::storage {

Result<std::unique_ptr<ObjectStore>> OpenStore(std::string_view uri) {
  if (uri.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "storage URI is empty");
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
                         "' is not supported; use a local directory path or a file:// URI");
  }
  JSM_ASSIGN_OR_RETURN(std::unique_ptr<LocalStore> store, LocalStore::Open(std::string(local_path)));
  return std::unique_ptr<ObjectStore>(std::move(store));
}

}  // namespace jsm::storage
