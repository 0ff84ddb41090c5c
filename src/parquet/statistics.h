#pragma once
/// Column chunk statistics as the writer records them: null count, and min/max
/// PLAIN-encoded in the physical type under the type's sort order (signed for
/// integers, unsigned bytes for strings, NaN ignored for doubles).

#include <span>
#include <string_view>

#include "common/record_batch.h"
#include "parquet/format.h"
#include "parquet/metadata.h"

namespace jsm::parquet {

/// Statistics of rows [begin, end) of `column` stored as physical type `type`
/// (BOOLEAN, INT32, INT64 or DOUBLE). min/max are left out when no value qualifies.
Statistics ComputeStatistics(const Column& column, PhysicalType type, size_t begin, size_t end);

/// Statistics of rows [begin, end) of a kDecimal128 column stored as FIXED_LEN_BYTE_ARRAY of
/// `width` bytes: min/max big-endian two's complement, under the signed order of DECIMAL.
Statistics ComputeDecimal128Statistics(const Column& column, int width, size_t begin, size_t end);

/// Statistics of a string column chunk from the distinct values it holds
/// (its dictionary, or every value) and its null count.
Statistics ComputeStringStatistics(std::span<const std::string_view> values, int64_t null_count);

/// Statistics of rows [begin, end) of a string column, scanning every row.
Statistics ComputeStringStatistics(const Column& column, size_t begin, size_t end);

}  // namespace jsm::parquet
