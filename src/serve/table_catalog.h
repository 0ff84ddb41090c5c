#pragma once
/// The Delta tables of a lakehouse, as the API names them: `<layer>/<name>`
/// with layer one of bronze, silver, gold, _system. Requests name a table by
/// layer and name; only names found here are ever opened, so a request can
/// never reach a path outside the lakehouse's tables.

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/object_store.h"

namespace jsm::serve {

/// One table of the lakehouse.
struct TableRef {
  std::string layer;
  std::string name;
  std::string path() const { return layer + "/" + name; }
};

/// The layers the API serves, in display order.
const std::vector<std::string>& Layers();

/// True if `text` is a valid layer or table name: 1-64 characters of
/// [a-z0-9_], not starting with a dot (so never "..", "/", or empty).
bool IsSafeName(std::string_view text);

/// Every table (a folder with a _delta_log) directly under a layer, sorted.
Result<std::vector<TableRef>> ListTables(storage::ObjectStore* store);

/// The table `layer`/`name` if both are safe names and the table exists;
/// kInvalidArgument for an unsafe name, kNotFound for an unknown table.
Result<TableRef> FindTable(storage::ObjectStore* store, std::string_view layer, std::string_view name);

}  // namespace jsm::serve
