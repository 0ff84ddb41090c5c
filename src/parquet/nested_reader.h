#pragma once
/// Parquet reader for nested schemas: rebuilds struct, list and map columns
/// from the repetition and definition levels of their leaves. Understands the
/// standard three-level lists and maps and the legacy two-level forms
/// (a repeated field outside a LIST, `array` / `<name>_tuple` elements).

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "parquet/nested.h"

namespace jsm::parquet {

/// The top-level fields of a file as nested types. Leaves of types we cannot
/// represent are reported when selected by ReadNestedParquet, not here: their
/// leaf type is left as a string.
Result<std::vector<NestedType>> ReadNestedParquetSchema(std::string_view file_bytes, std::string_view file_name);

/// Decodes a whole file held in memory. `paths` select leaves by dotted path of
/// field names ("add", "add.path", "metaData.format.provider"; list elements are
/// "<list>.element", map entries "<map>.key" / "<map>.value"); a path selects
/// every leaf below it. Empty selects everything. Structs keep only their
/// selected fields; a list or map is read whole once any leaf below it is
/// selected. Fields with nothing selected are left out. Corrupt input is
/// kCorruption naming `file_name`; a selected leaf of an unsupported type is kUnsupported.
Result<NestedBatch> ReadNestedParquet(std::string_view file_bytes, const std::vector<std::string>& paths,
                                      std::string_view file_name);

}  // namespace jsm::parquet
