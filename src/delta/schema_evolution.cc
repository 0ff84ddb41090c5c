// ADD COLUMNS: schema evolution by appending nullable columns.

#include "delta/schema_evolution.h"

#include <algorithm>
#include <cctype>

#include "delta/json_writer.h"

namespace jsm::delta {
namespace {

bool SameNameIgnoringCase(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace

Result<int64_t> AddColumns(DeltaTable* table, const std::vector<Field>& fields) {
  if (fields.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "no columns to add to table " + table->Location());
  }
  Metadata metadata = table->snapshot().metadata;
  JsonWriter json;
  json.BeginArray();
  for (const Field& field : fields) {
    if (!field.nullable) {
      return MakeError(ErrorCode::kInvalidArgument, "column '" + field.name + "' added to table " +
                                                        table->Location() +
                                                        " must be nullable: existing files have no values for it");
    }
    for (const Field& existing : metadata.schema.fields) {
      if (field.name.empty() || SameNameIgnoringCase(existing.name, field.name)) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "table " + table->Location() + " already has a column named '" + field.name + "'");
      }
    }
    metadata.schema.fields.push_back(field);
    json.String(field.name);
  }
  json.EndArray();
  CommitInfo info;
  info.operation = "ADD COLUMNS";
  info.operation_parameters["columns"] = json.Take();
  return table->Commit({metadata}, std::move(info));
}

}  // namespace jsm::delta
