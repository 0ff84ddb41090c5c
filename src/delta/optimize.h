#pragma once
/// OPTIMIZE: bin-packing the small files of each partition into files of about
/// a target size, in one commit of removes and adds with dataChange=false.

#include <cstdint>

#include "common/status.h"
#include "delta/table.h"
#include "parquet/writer.h"

namespace jsm::delta {

/// How to compact.
struct OptimizeOptions {
  int64_t target_file_size = 128LL << 20;  ///< bytes; files at least this big are left alone
  parquet::WriterOptions writer;           ///< for the new files
};

/// What OPTIMIZE did.
struct OptimizeMetrics {
  int64_t version = -1;  ///< the commit, or -1 when there was nothing to compact
  int64_t files_removed = 0;
  int64_t files_added = 0;
  int64_t bytes_removed = 0;
  int64_t bytes_added = 0;
  int64_t rows = 0;  ///< rows rewritten
  int64_t partitions_optimized = 0;
};

/// Compacts the small files of `table` (per partition, greedily into bins of up to
/// the target size; bins of one file are left alone). Rows are unchanged.
Result<OptimizeMetrics> Optimize(DeltaTable* table, const OptimizeOptions& options = {});

}  // namespace jsm::delta
