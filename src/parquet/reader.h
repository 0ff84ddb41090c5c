#pragma once
/// Parquet file reader for flat schemas: PLAIN, dictionary, RLE and DELTA_*
/// encodings, data pages v1/v2, snappy/zstd/gzip/uncompressed. Nested schemas
/// are read by nested_reader.h.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/record_batch.h"
#include "common/status.h"

namespace jsm::parquet {

/// Reads the schema of a Parquet file from its footer.
Result<Schema> ReadParquetSchema(std::string_view file_bytes, std::string_view file_name);

/// Decodes a whole Parquet file held in memory. `columns` selects columns by
/// name (empty = all, in file order; otherwise in the order given). Corrupt or
/// truncated input yields kCorruption naming `file_name` and the byte offset.
Result<RecordBatch> ReadParquet(std::string_view file_bytes, const std::vector<std::string>& columns,
                                std::string_view file_name);

/// Like ReadParquet, but decodes only the row groups (by index) that
/// `keep_row_group` accepts; an empty function keeps them all.
Result<RecordBatch> ReadParquetRowGroups(std::string_view file_bytes, const std::vector<std::string>& columns,
                                         const std::function<bool(size_t)>& keep_row_group,
                                         std::string_view file_name);

}  // namespace jsm::parquet
