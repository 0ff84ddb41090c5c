#pragma once
/// Opening silver/pedidos with its current schema: a table created before the
/// normalization columns (currency, original_unit_price, product_name_raw) gains
/// them through one Delta schema-evolution commit; older files read them as null.

#include <memory>

#include "delta/table.h"
#include "storage/object_store.h"

namespace jsm::pipeline {

/// Opens (or creates) silver/pedidos, first adding the normalization columns
/// if the table lacks them. Any other schema difference is kInvalidArgument.
Result<std::unique_ptr<delta::DeltaTable>> OpenSilverTable(storage::ObjectStore* store);

}  // namespace jsm::pipeline
