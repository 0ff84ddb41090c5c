#include "pipeline/bronze_repair.h"

#include <optional>
#include <string>
#include <vector>

#include <simdjson.h>

#include "common/clock.h"
#include "delta/actions.h"
#include "delta/checkpoint.h"
#include "pipeline/bronze_table.h"
#include "pipeline/table_schemas.h"

namespace jsm::pipeline {
namespace {

bool HoldsInvalidUtf8(const Column& column) {
  for (size_t row = 0; row < column.size(); ++row) {
    if (column.IsNull(row)) continue;
    const std::string_view text = column.StringAt(row);
    if (!simdjson::validate_utf8(text.data(), text.size())) return true;
  }
  return false;
}

/// `rows` (bronze's current schema) with each value and key in its proper column.
RecordBatch Rerepresent(const RecordBatch& rows, int64_t* moved) {
  RecordBatch out(rows.schema());
  const BronzeMessageBytes bytes(rows);
  for (size_t row = 0; row < rows.num_rows(); ++row) {
    const bool bad_value = rows.column(kBronzeValue).IsValid(row) &&
                           !simdjson::validate_utf8(rows.column(kBronzeValue).StringAt(row).data(),
                                                    rows.column(kBronzeValue).StringAt(row).size());
    const bool bad_key = rows.column(kBronzeKey).IsValid(row) &&
                         !simdjson::validate_utf8(rows.column(kBronzeKey).StringAt(row).data(),
                                                  rows.column(kBronzeKey).StringAt(row).size());
    if (bad_value || bad_key) ++*moved;
    AppendBronzeBytes(bytes.Value(row), &out.column(kBronzeValue), &out.column(kBronzeValueRaw));
    AppendBronzeBytes(bytes.Key(row), &out.column(kBronzeKey), &out.column(kBronzeKeyRaw));
    for (size_t c = 0; c < rows.num_columns(); ++c) {
      if (c == kBronzeValue || c == kBronzeKey || c == kBronzeValueRaw || c == kBronzeKeyRaw) continue;
      out.column(c).AppendFrom(rows.column(c), row);
    }
  }
  return out;
}

}  // namespace

Result<BronzeRepair> RepairBronzeFiles(storage::ObjectStore* store) {
  JSM_ASSIGN_OR_RETURN(std::unique_ptr<delta::DeltaTable> bronze, OpenBronzeTable(store));
  BronzeRepair repair;
  std::vector<delta::Action> actions;
  const int64_t now = NowMillis();
  std::vector<delta::AddFile> files;
  for (const auto& [path, add] : bronze->snapshot().files) files.push_back(add);
  for (const delta::AddFile& add : files) {
    ++repair.files_scanned;
    JSM_ASSIGN_OR_RETURN(RecordBatch probe, bronze->ReadDataFile(add.path, {"value", "key"}));
    if (!HoldsInvalidUtf8(probe.column(0)) && !HoldsInvalidUtf8(probe.column(1))) continue;
    JSM_ASSIGN_OR_RETURN(RecordBatch rows, bronze->ReadDataFile(add.path));
    const RecordBatch fixed = Rerepresent(rows, &repair.rows_moved);
    JSM_ASSIGN_OR_RETURN(delta::AddFile rewritten, bronze->WriteDataFile(fixed, {}));
    rewritten.data_change = false;  // the same messages, in another representation
    actions.emplace_back(delta::RemovalOf(add, now, false));
    actions.emplace_back(std::move(rewritten));
    ++repair.files_rewritten;
  }
  if (!actions.empty()) {
    delta::CommitInfo info{.operation = "REPAIR"};
    info.operation_parameters["reason"] = "\"invalid UTF-8 in string columns moved to binary columns\"";
    info.operation_metrics["numRemovedFiles"] = std::to_string(repair.files_rewritten);
    info.operation_metrics["numAddedFiles"] = std::to_string(repair.files_rewritten);
    info.operation_metrics["numMovedRows"] = std::to_string(repair.rows_moved);
    JSM_ASSIGN_OR_RETURN(repair.version, bronze->Commit(std::move(actions), std::move(info)));
  }
  // A checkpoint at the new latest version, with the clean statistics the rewrite gave.
  auto checkpoint = bronze->Checkpoint();
  if (!checkpoint) return std::unexpected(checkpoint.error());
  return repair;
}

}  // namespace jsm::pipeline
