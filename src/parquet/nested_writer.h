#pragma once
/// Parquet writer for nested schemas (struct, list, map): each leaf is shredded
/// into repetition and definition levels (the Dremel encoding of the format
/// specification) and written as a PLAIN-encoded column chunk. Lists use the
/// standard three-level form (`<name> (LIST) { repeated group list { element } }`)
/// and maps `<name> (MAP) { repeated group key_value { key; value } }`, as
/// Spark, pyarrow and delta-rs write them.

#include <string>
#include <vector>

#include "common/status.h"
#include "parquet/metadata.h"
#include "parquet/nested.h"
#include "parquet/writer.h"

namespace jsm::parquet {

/// Encodes `batch` as a complete Parquet file with one row group into `out`
/// (cleared first). A null in a non-nullable field, columns of different
/// lengths, an empty or duplicate name, a struct with no fields or more than 255
/// nesting levels is kInvalidArgument. `options.dictionary` and `row_group_bytes` do not apply.
Status WriteNestedParquet(const NestedBatch& batch, const WriterOptions& options, std::string* out);

}  // namespace jsm::parquet
