#pragma once
/// Reading a table's rows: the active files of a snapshot, pruned by partition
/// values and stats, read and filtered into one batch.

#include <cstdint>
#include <string>
#include <vector>

#include "common/record_batch.h"
#include "common/status.h"
#include "delta/predicate.h"
#include "delta/table.h"

namespace jsm::delta {

/// What to read.
struct ScanOptions {
  std::vector<Predicate> filters;    ///< all must hold
  std::vector<std::string> columns;  ///< projection; empty = all, in schema order
  int64_t limit = -1;                ///< stop after this many rows; -1 = all
};

/// The rows read and how many files the predicates let the scan skip.
struct ScanResult {
  RecordBatch batch;
  int64_t files_total = 0;
  int64_t files_read = 0;
};

/// Reads the rows of `table`'s current snapshot that match `options.filters`,
/// files in path order.
Result<ScanResult> ScanTable(const DeltaTable& table, const ScanOptions& options = {});

}  // namespace jsm::delta
