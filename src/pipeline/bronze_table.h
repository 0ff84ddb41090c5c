#pragma once
/// Opening bronze/pedidos with its current schema: a table created before the
/// `headers` column gains it through one Delta schema-evolution commit; files
/// written before read it as null.

#include <memory>

#include "delta/table.h"
#include "storage/object_store.h"

namespace jsm::pipeline {

/// Opens (or creates) bronze/pedidos, first adding the later columns
/// (BronzeLaterColumns) if the table lacks them. Any other schema difference is kInvalidArgument.
Result<std::unique_ptr<delta::DeltaTable>> OpenBronzeTable(storage::ObjectStore* store);

}  // namespace jsm::pipeline
