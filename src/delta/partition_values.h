#pragma once
/// Partitioned tables: the Hive-style directory of a partition ("col=value/")
/// and the partition columns of a data file rebuilt from its add action.

#include <map>
#include <string>
#include <vector>

#include "common/record_batch.h"
#include "common/status.h"

namespace jsm::delta {

/// Hive's name for a null partition value in a directory name.
inline constexpr std::string_view kNullPartitionDirectory = "__HIVE_DEFAULT_PARTITION__";

/// "a=1/b=x%2Fy/" for partition columns `columns` with `values` (absent or empty
/// = null), escaping characters as Hive and Spark do.
std::string PartitionDirectory(const std::vector<std::string>& columns,
                               const std::map<std::string, std::string>& values);

/// A column of `rows` copies of partition value `text` (empty = null) of `field`.
/// kCorruption naming `file` if the value does not parse as the field's type.
Result<Column> PartitionColumn(const Field& field, const std::string& text, size_t rows, std::string_view file);

}  // namespace jsm::delta
