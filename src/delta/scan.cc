// Table scans with partition pruning and stats-based file skipping.

#include "delta/scan.h"

#include <algorithm>

namespace jsm::delta {

Result<ScanResult> ScanTable(const DeltaTable& table, const ScanOptions& options) {
  const Schema& schema = table.schema();
  // Read the predicate columns too, then project them away.
  std::vector<std::string> read_columns = options.columns;
  if (!read_columns.empty()) {
    for (const Predicate& predicate : options.filters) {
      if (std::find(read_columns.begin(), read_columns.end(), predicate.column) == read_columns.end()) {
        read_columns.push_back(predicate.column);
      }
    }
  }
  Schema out_schema;
  if (read_columns.empty()) {
    out_schema = schema;
  } else {
    for (const std::string& name : read_columns) {
      const int index = schema.FieldIndex(name);
      if (index < 0) {
        return MakeError(ErrorCode::kInvalidArgument, "table " + table.Location() + " has no column '" + name + "'");
      }
      out_schema.fields.push_back(schema.fields[static_cast<size_t>(index)]);
    }
  }
  ScanResult result;
  result.batch = RecordBatch(out_schema);
  for (const auto& [path, add] : table.snapshot().files) {
    ++result.files_total;
    if (options.limit >= 0 && static_cast<int64_t>(result.batch.num_rows()) >= options.limit) continue;
    JSM_ASSIGN_OR_RETURN(const bool may_match, FileMayMatch(options.filters, add, table.snapshot().metadata));
    if (!may_match) continue;
    ++result.files_read;
    JSM_ASSIGN_OR_RETURN(RecordBatch batch, table.ReadDataFile(path, read_columns));
    JSM_RETURN_IF_ERROR(FilterRows(options.filters, &batch));
    result.batch.Append(batch);
  }
  if (options.limit >= 0 && static_cast<int64_t>(result.batch.num_rows()) > options.limit) {
    RecordBatch cut(out_schema);
    for (size_t c = 0; c < cut.num_columns(); ++c) {
      for (int64_t row = 0; row < options.limit; ++row) cut.column(c).AppendFrom(result.batch.column(c), row);
    }
    result.batch = std::move(cut);
  }
  if (!options.columns.empty() && options.columns.size() != out_schema.fields.size()) {
    Schema projected;
    projected.fields.assign(out_schema.fields.begin(), out_schema.fields.begin() + options.columns.size());
    RecordBatch out(projected);
    for (size_t c = 0; c < projected.fields.size(); ++c) out.column(c) = std::move(result.batch.column(c));
    result.batch = std::move(out);
  }
  return result;
}

}  // namespace jsm::delta
