#include "serve/table_catalog.h"

#include <algorithm>

namespace jsm::serve {

const std::vector<std::string>& Layers() {
  static const std::vector<std::string> layers = {"bronze", "silver", "gold", "_system"};
  return layers;
}

bool IsSafeName(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

Result<std::vector<TableRef>> ListTables(storage::ObjectStore* store) {
  std::vector<TableRef> tables;
  for (const std::string& layer : Layers()) {
    JSM_ASSIGN_OR_RETURN(std::vector<storage::ObjectInfo> objects, store->List(layer + "/"));
    for (const storage::ObjectInfo& object : objects) {
      // "<layer>/<name>/_delta_log/..." marks a table.
      std::string_view rest = std::string_view(object.path).substr(layer.size() + 1);
      const size_t slash = rest.find('/');
      if (slash == std::string_view::npos) continue;
      const std::string_view name = rest.substr(0, slash);
      if (!rest.substr(slash + 1).starts_with("_delta_log/") || !IsSafeName(name)) continue;
      if (!tables.empty() && tables.back().layer == layer && tables.back().name == name) continue;
      tables.push_back(TableRef{layer, std::string(name)});
    }
  }
  return tables;
}

Result<TableRef> FindTable(storage::ObjectStore* store, std::string_view layer, std::string_view name) {
  if (!IsSafeName(layer) || !IsSafeName(name)) {
    return MakeError(ErrorCode::kInvalidArgument, "a layer or table name has only a-z, 0-9 and _ (1-64 characters)");
  }
  JSM_ASSIGN_OR_RETURN(std::vector<TableRef> tables, ListTables(store));
  for (TableRef& table : tables) {
    if (table.layer == layer && table.name == name) return std::move(table);
  }
  return MakeError(ErrorCode::kNotFound, "no table " + std::string(layer) + "/" + std::string(name) +
                                             " in the lakehouse (GET /api/tables lists them)");
}

}  // namespace jsm::serve
