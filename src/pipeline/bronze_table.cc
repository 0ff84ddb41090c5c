#include "pipeline/bronze_table.h"

#include <limits>

#include <simdjson.h>

#include "delta/schema_evolution.h"
#include "pipeline/table_schemas.h"

namespace jsm::pipeline {

Result<std::unique_ptr<delta::DeltaTable>> OpenBronzeTable(storage::ObjectStore* store) {
  // Two tries: ingest and refine (or two ingest processes) may add the column at once (a commit conflict).
  for (int attempt = 0;; ++attempt) {
    auto existing = delta::DeltaTable::Open(store, kBronzeTable);
    if (!existing) {
      if (existing.error().code() != ErrorCode::kNotFound) return std::unexpected(existing.error());
      break;
    }
    std::vector<Field> missing;
    for (const Field& field : BronzeLaterColumns()) {
      if ((*existing)->schema().FieldIndex(field.name) < 0) missing.push_back(field);
    }
    if (missing.empty()) break;
    auto added = delta::AddColumns(existing->get(), missing);
    if (added) break;
    if (added.error().code() != ErrorCode::kConflict || attempt > 0) return std::unexpected(added.error());
  }
  return delta::DeltaTable::OpenOrCreate(store, kBronzeTable, "pedidos_bronze", BronzeSchema());
}

void AppendBronzeBytes(std::optional<std::string_view> bytes, Column* text, Column* raw) {
  if (!bytes) {
    text->AppendNull();
    raw->AppendNull();
  } else if (simdjson::validate_utf8(bytes->data(), bytes->size())) {
    text->AppendString(*bytes);
    raw->AppendNull();
  } else {
    text->AppendNull();
    raw->AppendString(*bytes);
  }
}

void AppendKafkaTimestamp(int64_t timestamp_ms, Column* kafka_timestamp) {
  constexpr int64_t kMaxMillis = std::numeric_limits<int64_t>::max() / 1000;
  if (timestamp_ms < 0 || timestamp_ms > kMaxMillis) {
    kafka_timestamp->AppendNull();
  } else {
    kafka_timestamp->AppendInt(timestamp_ms * 1000);
  }
}

namespace {

const Column* ColumnNamed(const RecordBatch& batch, std::string_view name) {
  const int index = batch.schema().FieldIndex(name);
  return index < 0 ? nullptr : &batch.column(static_cast<size_t>(index));
}

}  // namespace

BronzeMessageBytes::BronzeMessageBytes(const RecordBatch& bronze)
    : value_(ColumnNamed(bronze, "value")),
      value_raw_(ColumnNamed(bronze, "value_raw")),
      key_(ColumnNamed(bronze, "key")),
      key_raw_(ColumnNamed(bronze, "key_raw")) {}

std::optional<std::string_view> BronzeMessageBytes::Pick(const Column* text, const Column* raw, size_t row) {
  if (text != nullptr && text->IsValid(row)) return text->StringAt(row);
  if (raw != nullptr && raw->IsValid(row)) return raw->StringAt(row);
  return std::nullopt;
}

}  // namespace jsm::pipeline
