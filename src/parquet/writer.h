#pragma once
/// Parquet file writer for flat schemas, written from the Parquet format
/// specification (apache/parquet-format): data page v1, PLAIN and dictionary
/// (RLE_DICTIONARY) encodings, RLE definition levels, Thrift compact footer,
/// per-column-chunk statistics.

#include <cstdint>
#include <string>

#include "common/record_batch.h"
#include "common/status.h"

namespace jsm::parquet {

/// Page compression codec.
enum class Compression { kUncompressed, kSnappy, kZstd };

/// How a file is written.
struct WriterOptions {
  Compression compression = Compression::kZstd;
  int zstd_level = 1;
  /// A new row group starts once the current one holds about this many value bytes.
  int64_t row_group_bytes = 128LL << 20;
  /// Dictionary-encode string columns while the dictionary stays small.
  bool dictionary = true;
  std::string created_by = "jsm-pipeline";
};

/// Encodes `batch` as a complete Parquet file (magic, row groups, footer) into `out`
/// (cleared first). Nullable fields are OPTIONAL columns, others REQUIRED; a null
/// in a non-nullable field is kInvalidArgument.
Status WriteParquet(const RecordBatch& batch, const WriterOptions& options, std::string* out);

}  // namespace jsm::parquet
