#include "pipeline/bronze_table.h"

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

}  // namespace jsm::pipeline
