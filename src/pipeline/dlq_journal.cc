#include "pipeline/dlq_journal.h"

#include <simdjson.h>

#include "delta/json_writer.h"
#include "delta/schema_evolution.h"
#include "pipeline/bronze_table.h"
#include "storage/base64.h"
#include "delta/scan.h"
#include "delta/table.h"
#include "pipeline/event_log.h"

namespace jsm::pipeline {
namespace {

enum ParkedColumn {
  kParkedKey,
  kParkedValue,
  kParkedHeaders,
  kParkedReason,
  kParkedError,
  kParkedStage,
  kParkedOriginalTopic,
  kParkedOriginalPartition,
  kParkedOriginalOffset,
  kParkedAttempts,
  kParkedFirstFailedAt,
  kParkedFailedAt,
  kParkedAt,
  kParkedDlqTopic,
  kParkedDlqPartition,
  kParkedDlqOffset,
  kParkedClusterId,
  kParkedLetter,
  kParkedKeyRaw,
  kParkedValueRaw
};

bool IsUtf8(std::string_view text) { return simdjson::validate_utf8(text.data(), text.size()); }

std::string HeadersJson(const std::vector<kafka::Header>& headers) {
  // An object in header order; a repeated name keeps its last value (as FindHeader reads it).
  std::vector<const kafka::Header*> kept;
  for (size_t i = 0; i < headers.size(); ++i) {
    bool later = false;
    for (size_t j = i + 1; j < headers.size(); ++j) later |= headers[j].name == headers[i].name;
    if (!later) kept.push_back(&headers[i]);
  }
  std::string out = "{";
  // Bytes that are not UTF-8 cannot be JSON text: a name becomes "base64:<name in base64>",
  // a value {"base64":"<value in base64>"}.
  for (const kafka::Header* h : kept) {
    if (out.size() > 1) out.push_back(',');
    delta::AppendJsonString(IsUtf8(h->name) ? h->name : "base64:" + storage::Base64Encode(h->name), &out);
    out.push_back(':');
    if (IsUtf8(h->value)) {
      delta::AppendJsonString(h->value, &out);
    } else {
      out.append(R"({"base64":)");
      delta::AppendJsonString(storage::Base64Encode(h->value), &out);
      out.push_back('}');
    }
  }
  out.push_back('}');
  return out;
}

void AppendText(Column& column, std::string_view text) {
  if (text.empty())
    column.AppendNull();
  else
    column.AppendString(text);
}

void AppendOptionalInt(Column& column, int64_t value, bool present) {
  if (present)
    column.AppendInt(value);
  else
    column.AppendNull();
}

}  // namespace

const Schema& DlqParkedSchema() {
  static const Schema schema{{
      {"key", DataType::kString, true},
      {"value", DataType::kString, true},
      {"headers", DataType::kString, false},
      {"reason", DataType::kString, true},
      {"error", DataType::kString, true},
      {"stage", DataType::kString, true},
      {"original_topic", DataType::kString, true},
      {"original_partition", DataType::kInt32, true},
      {"original_offset", DataType::kInt64, true},
      {"attempts", DataType::kInt32, false},
      {"first_failed_at", DataType::kTimestamp, true},
      {"failed_at", DataType::kTimestamp, true},
      {"parked_at", DataType::kTimestamp, false},
      {"dlq_topic", DataType::kString, false},
      {"dlq_partition", DataType::kInt32, false},
      {"dlq_offset", DataType::kInt64, false},
      {"cluster_id", DataType::kString, false},
      {"letter", DataType::kString, false},
      // Added later (nullable): the key / value bytes when they are not UTF-8 (then key / value is null).
      {"key_raw", DataType::kBinary, true},
      {"value_raw", DataType::kBinary, true},
  }};
  return schema;
}

std::string_view DlqActionName(DlqActionKind kind) {
  switch (kind) {
    case DlqActionKind::kReplay:
      return "replay";
    case DlqActionKind::kDiscard:
      return "discard";
    case DlqActionKind::kPark:
      return "park";
  }
  return "unknown";
}

std::string DlqLetterKey(const kafka::StoredDeadLetter& letter, std::string_view cluster_id) {
  return letter.Id() + " cluster=" + std::string(cluster_id);
}

Result<std::map<std::string, std::string>> ReadHandledLetters(storage::ObjectStore* store) {
  std::map<std::string, std::string> handled;
  auto log = delta::DeltaTable::Open(store, kEventLogTable);
  if (log) {
    // The stage's min/max stats let the scan skip every file the stages wrote.
    delta::ScanOptions scan;
    scan.filters = {{"stage", delta::CompareOp::kEq, "dlq"}};
    scan.columns = {"source_range", "action"};
    JSM_ASSIGN_OR_RETURN(delta::ScanResult rows, delta::ScanTable(**log, scan));
    const Column& ranges = rows.batch.column(0);
    const Column& actions = rows.batch.column(1);
    for (size_t r = 0; r < rows.batch.num_rows(); ++r) {
      if (ranges.IsNull(r)) continue;
      handled[std::string(ranges.StringAt(r))] =
          actions.IsValid(r) ? std::string(actions.StringAt(r)) : "handled";
    }
  } else if (log.error().code() != ErrorCode::kNotFound) {
    return std::unexpected(log.error());
  }
  // A park whose event-log row was never written (a crash between the two commits) still counts.
  auto parked = delta::DeltaTable::Open(store, kDlqParkedTable);
  if (parked) {
    for (const auto& [path, add] : (*parked)->snapshot().files) {
      JSM_ASSIGN_OR_RETURN(RecordBatch rows, (*parked)->ReadDataFile(path, {"letter"}));
      for (size_t r = 0; r < rows.num_rows(); ++r) handled[std::string(rows.column(0).StringAt(r))] = "park";
    }
  } else if (parked.error().code() != ErrorCode::kNotFound) {
    return std::unexpected(parked.error());
  }
  return handled;
}

Result<int64_t> ParkLetters(storage::ObjectStore* store, const PipelineOptions& options,
                            const std::vector<DlqAction>& parks, std::string_view cluster_id,
                            int64_t now_us) {
  if (parks.empty()) return -1;
  // A table from before key_raw / value_raw gains them (nullable; its rows read null).
  if (auto existing = delta::DeltaTable::Open(store, kDlqParkedTable); existing) {
    std::vector<Field> missing;
    for (const Field& field : DlqParkedSchema().fields) {
      if ((*existing)->schema().FieldIndex(field.name) < 0) missing.push_back(field);
    }
    if (!missing.empty()) JSM_RETURN_IF_ERROR(delta::AddColumns(existing->get(), missing));
  }
  JSM_ASSIGN_OR_RETURN(
      std::unique_ptr<delta::DeltaTable> table,
      delta::DeltaTable::OpenOrCreate(store, kDlqParkedTable, "dlq_parked", DlqParkedSchema()));
  RecordBatch rows(DlqParkedSchema());
  for (const DlqAction& park : parks) {
    const kafka::StoredDeadLetter& l = *park.letter;
    // Text in key / value, other bytes in key_raw / value_raw, as bronze keeps them.
    AppendBronzeBytes(l.has_key ? std::optional<std::string_view>(l.key) : std::nullopt, &rows.column(kParkedKey),
                      &rows.column(kParkedKeyRaw));
    AppendBronzeBytes(l.has_value ? std::optional<std::string_view>(l.value) : std::nullopt,
                      &rows.column(kParkedValue), &rows.column(kParkedValueRaw));
    rows.column(kParkedHeaders).AppendString(HeadersJson(l.headers));
    AppendText(rows.column(kParkedReason), l.reason);
    AppendText(rows.column(kParkedError), l.error);
    AppendText(rows.column(kParkedStage), l.stage);
    AppendText(rows.column(kParkedOriginalTopic), l.original_topic);
    AppendOptionalInt(rows.column(kParkedOriginalPartition), l.original_partition, l.original_partition >= 0);
    AppendOptionalInt(rows.column(kParkedOriginalOffset), l.original_offset, l.original_offset >= 0);
    rows.column(kParkedAttempts).AppendInt(park.attempts);
    AppendOptionalInt(rows.column(kParkedFirstFailedAt), l.first_failed_at_ms * 1000,
                      l.first_failed_at_ms >= 0);
    AppendOptionalInt(rows.column(kParkedFailedAt), l.failed_at_ms * 1000, l.failed_at_ms >= 0);
    rows.column(kParkedAt).AppendInt(now_us);
    rows.column(kParkedDlqTopic).AppendString(l.dlq_topic);
    rows.column(kParkedDlqPartition).AppendInt(l.partition);
    rows.column(kParkedDlqOffset).AppendInt(l.offset);
    rows.column(kParkedClusterId).AppendString(cluster_id);
    rows.column(kParkedLetter).AppendString(DlqLetterKey(l, cluster_id));
  }
  JSM_ASSIGN_OR_RETURN(delta::AddFile add, table->WriteDataFile(rows, options.parquet));
  delta::CommitInfo info;
  info.operation = "WRITE";
  info.operation_parameters["mode"] = "Append";
  info.engine_info = "jsm-pipeline/" JSM_VERSION;
  return table->Commit({std::move(add)}, std::move(info));
}

Status RecordDlqActions(storage::ObjectStore* store, const PipelineOptions& options,
                        const std::vector<DlqAction>& actions, std::string_view cluster_id,
                        std::string_view run_id, int64_t parked_version, int64_t now_us) {
  if (actions.empty()) return Status::Ok();
  JSM_ASSIGN_OR_RETURN(std::unique_ptr<delta::DeltaTable> table, OpenEventLogTable(store));
  const Schema& schema = EventLogSchema();
  RecordBatch rows(schema);
  auto column = [&](const char* name) -> Column& {
    const int index = schema.FieldIndex(name);
    JSM_CHECK_GE(index, 0);
    return rows.column(static_cast<size_t>(index));
  };
  for (const DlqAction& action : actions) {
    const std::string name(DlqActionName(action.kind));
    column("logged_at").AppendInt(now_us);
    column("stage").AppendString("dlq");
    column("batch_id").AppendString("dlq-" + name + "-" + std::string(run_id));
    switch (action.kind) {
      case DlqActionKind::kReplay:
        column("target_table").AppendString(action.target);
        break;
      case DlqActionKind::kPark:
        column("target_table").AppendString(kDlqParkedTable);
        break;
      case DlqActionKind::kDiscard:
        column("target_table").AppendString("-");
        break;
    }
    AppendOptionalInt(column("target_version"), parked_version,
                      action.kind == DlqActionKind::kPark && parked_version >= 0);
    column("source_range").AppendString(DlqLetterKey(*action.letter, cluster_id));
    column("rows_in").AppendInt(1);
    column("rows_out").AppendInt(action.kind == DlqActionKind::kDiscard ? 0 : 1);
    column("quarantined").AppendInt(0);
    column("dead_letters").AppendInt(1);
    column("duplicates").AppendInt(0);
    column("latency_p50_ms").AppendNull();
    column("latency_max_ms").AppendNull();
    AppendOptionalInt(column("source_watermark"), action.letter->failed_at_ms * 1000,
                      action.letter->failed_at_ms >= 0);
    column("duration_ms").AppendInt(0);
    column("expectation").AppendNull();
    column("action").AppendString(name);
    column("passed").AppendNull();
    column("failed").AppendNull();
    column(kCommitConflictsColumn).AppendNull();
  }
  JSM_ASSIGN_OR_RETURN(delta::AddFile add, table->WriteDataFile(rows, options.parquet));
  delta::CommitInfo info;
  info.operation = "WRITE";
  info.operation_parameters["mode"] = "Append";
  info.operation_parameters["batchId"] = "dlq-" + std::string(run_id);
  info.engine_info = "jsm-pipeline/" JSM_VERSION;
  JSM_RETURN_IF_ERROR(table->Commit({std::move(add)}, std::move(info)));
  return Status::Ok();
}

}  // namespace jsm::pipeline
