#pragma once
/// Row-group skipping by column statistics: the min/max/null count of each flat
/// column per row group, decoded from the footer into typed values, a simple
/// predicate on them, and a read that decodes only the row groups that may match.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/record_batch.h"
#include "common/status.h"

namespace jsm::parquet {

/// A statistics value in the column's DataType: int64 for integer-like types
/// (timestamps in microseconds, decimals unscaled), double, or string bytes.
using StatValue = std::variant<int64_t, double, std::string>;

/// Statistics of one column of one row group; absent when the writer left them out.
struct ColumnStatistics {
  std::optional<StatValue> min;
  std::optional<StatValue> max;
  std::optional<int64_t> null_count;
};

/// Statistics of one row group: one entry per field of the file's (flat) schema.
struct RowGroupStatistics {
  int64_t num_rows = 0;
  std::vector<ColumnStatistics> columns;
};

/// A comparison of one column with a constant: `column <op> value`.
struct ColumnPredicate {
  enum class Op { kEqual, kLess, kLessEqual, kGreater, kGreaterEqual, kIsNull, kIsNotNull };
  std::string column;
  Op op = Op::kEqual;
  StatValue value;  ///< unused for kIsNull / kIsNotNull
};

/// The file's flat schema and the statistics of every row group. Statistics in
/// an unknown sort order (legacy min/max of byte arrays) are left out.
Result<std::pair<Schema, std::vector<RowGroupStatistics>>> ReadRowGroupStatistics(std::string_view file_bytes,
                                                                                  std::string_view file_name);

/// False only when the statistics prove no row of the group satisfies `predicate`
/// (column `column_index` of the schema). Missing statistics or a value of
/// another type than the column's keep the group.
bool RowGroupMayMatch(const RowGroupStatistics& stats, size_t column_index, const ColumnPredicate& predicate);

/// Like ReadParquet, but decodes only the row groups that may satisfy every
/// predicate (a conjunction); the result may still hold rows that do not.
/// A predicate on a column the file lacks is kNotFound.
Result<RecordBatch> ReadParquetWhere(std::string_view file_bytes, const std::vector<std::string>& columns,
                                     const std::vector<ColumnPredicate>& predicates, std::string_view file_name);

}  // namespace jsm::parquet
