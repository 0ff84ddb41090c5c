#pragma once
/// The data half of `jsm table repair bronze/pedidos`: bronze files an earlier
/// release wrote with message bytes that are not UTF-8 in the STRING columns
/// `value` and `key` are rewritten into the current representation (those bytes
/// in `value_raw` / `key_raw`, docs/tables.md), with remove + add and
/// dataChange=false, so every reader gets the same bytes and valid strings.

#include <cstdint>

#include "common/status.h"
#include "storage/object_store.h"

namespace jsm::pipeline {

/// What RepairBronzeFiles did.
struct BronzeRepair {
  int64_t files_scanned = 0;
  int64_t files_rewritten = 0;
  int64_t rows_moved = 0;  ///< rows whose value or key moved to value_raw / key_raw
  int64_t version = -1;    ///< the rewrite's commit; -1 when no file needed it
};

/// Opens bronze/pedidos (adding the later columns by schema evolution if it lacks
/// them), rewrites every file whose `value` or `key` holds invalid UTF-8 in one
/// commit, then writes a checkpoint of the new latest version. The log itself must
/// already be readable (delta::RepairLog first).
Result<BronzeRepair> RepairBronzeFiles(storage::ObjectStore* store);

}  // namespace jsm::pipeline
