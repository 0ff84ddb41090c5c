#pragma once
/// Schema evolution by adding nullable columns: one metaData commit; files
/// written before it read the new columns as null.

#include <cstdint>
#include <vector>

#include "common/record_batch.h"
#include "common/status.h"
#include "delta/table.h"

namespace jsm::delta {

/// Appends `fields` (each nullable, with a name not yet used, case-insensitively)
/// to the schema of `table` in one commit (operation "ADD COLUMNS"). Returns the version.
Result<int64_t> AddColumns(DeltaTable* table, const std::vector<Field>& fields);

}  // namespace jsm::delta
