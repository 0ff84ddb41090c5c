#include "parquet/row_group_statistics.h"

#include <fmt/format.h>

#include <cmath>

#include "parquet/footer.h"
#include "parquet/little_endian.h"
#include "parquet/plain_encoding.h"
#include "parquet/reader.h"
#include "parquet/schema_conversion.h"

namespace jsm::parquet {
namespace {

/// A min or max value as stored (PLAIN, without length prefix), in the leaf's DataType.
std::optional<StatValue> DecodeStat(const LeafColumn& leaf, const std::string& bytes) {
  switch (leaf.physical_type) {
    case PhysicalType::kBoolean:
      if (bytes.size() != 1) return std::nullopt;
      return StatValue(int64_t{bytes[0] != 0});
    case PhysicalType::kInt32:
      if (bytes.size() != 4) return std::nullopt;
      return StatValue(int64_t{LoadLe<int32_t>(bytes.data())} * leaf.int_multiplier);
    case PhysicalType::kInt64: {
      if (bytes.size() != 8) return std::nullopt;
      int64_t value = 0;
      if (__builtin_mul_overflow(LoadLe<int64_t>(bytes.data()), leaf.int_multiplier, &value)) return std::nullopt;
      return StatValue(value);
    }
    case PhysicalType::kDouble: {
      if (bytes.size() != 8) return std::nullopt;
      double value = LoadLe<double>(bytes.data());
      if (std::isnan(value)) return std::nullopt;
      return StatValue(value);
    }
    case PhysicalType::kByteArray:
      return StatValue(bytes);
    case PhysicalType::kFixedLenByteArray: {
      // 128-bit decimals have no StatValue: their row groups are never pruned.
      if (leaf.field.type == DataType::kDecimal128) return std::nullopt;
      if (static_cast<int32_t>(bytes.size()) != leaf.type_length) return std::nullopt;
      Result<int64_t> value = DecimalFromBigEndian(bytes);
      if (!value) return std::nullopt;
      return StatValue(*value);
    }
    default:
      return std::nullopt;
  }
}

ColumnStatistics StatisticsOf(const LeafColumn& leaf, const ColumnChunk& chunk) {
  ColumnStatistics out;
  if (!chunk.meta_data || !chunk.meta_data->statistics) return out;
  const Statistics& stats = *chunk.meta_data->statistics;
  out.null_count = stats.null_count;
  if (stats.min_value && stats.max_value) {
    out.min = DecodeStat(leaf, *stats.min_value);
    out.max = DecodeStat(leaf, *stats.max_value);
  } else if (stats.min && stats.max && leaf.physical_type != PhysicalType::kByteArray &&
             leaf.physical_type != PhysicalType::kFixedLenByteArray) {
    // The deprecated fields use signed order, which is right for numbers only.
    out.min = DecodeStat(leaf, *stats.min);
    out.max = DecodeStat(leaf, *stats.max);
  }
  if (!out.min || !out.max) out.min = out.max = std::nullopt;
  return out;
}

/// -1, 0 or 1 comparing a with b of the same alternative.
int Compare(const StatValue& a, const StatValue& b) {
  return std::visit(
      [&](const auto& x) {
        const auto& y = std::get<std::decay_t<decltype(x)>>(b);
        return x < y ? -1 : (y < x ? 1 : 0);
      },
      a);
}

}  // namespace

Result<std::pair<Schema, std::vector<RowGroupStatistics>>> ReadRowGroupStatistics(std::string_view file_bytes,
                                                                                  std::string_view file_name) {
  JSM_ASSIGN_OR_RETURN(Footer footer, ReadFooter(file_bytes, file_name));
  auto in_footer = [&](const Error& error) {
    return std::unexpected(error.WithContext(fmt::format("{}: footer at byte offset {}", file_name, footer.start)));
  };
  Result<std::span<const SchemaElement>> elements = FlatLeaves(footer.metadata.schema);
  if (!elements) return in_footer(elements.error());
  std::vector<LeafColumn> leaves;
  Schema schema;
  for (const SchemaElement& element : *elements) {
    Result<LeafColumn> leaf = LeafColumnFor(element);
    if (!leaf) return in_footer(leaf.error());
    schema.fields.push_back(leaf->field);
    leaves.push_back(std::move(*leaf));
  }
  std::vector<RowGroupStatistics> groups;
  for (size_t g = 0; g < footer.metadata.row_groups.size(); ++g) {
    const RowGroup& group = footer.metadata.row_groups[g];
    if (group.columns.size() != leaves.size()) {
      return in_footer(Error(ErrorCode::kCorruption, fmt::format("row group {} has {} column chunks for {} columns",
                                                                 g, group.columns.size(), leaves.size())));
    }
    RowGroupStatistics& stats = groups.emplace_back();
    stats.num_rows = group.num_rows;
    for (size_t c = 0; c < leaves.size(); ++c) stats.columns.push_back(StatisticsOf(leaves[c], group.columns[c]));
  }
  return std::pair(std::move(schema), std::move(groups));
}

bool RowGroupMayMatch(const RowGroupStatistics& stats, size_t column_index, const ColumnPredicate& predicate) {
  if (column_index >= stats.columns.size()) return true;
  const ColumnStatistics& column = stats.columns[column_index];
  using Op = ColumnPredicate::Op;
  if (predicate.op == Op::kIsNull) return !column.null_count || *column.null_count > 0;
  if (predicate.op == Op::kIsNotNull) return !column.null_count || *column.null_count < stats.num_rows;
  if (column.null_count && *column.null_count == stats.num_rows) return false;  // all null: no comparison holds
  if (!column.min || !column.max) return true;
  const StatValue& value = predicate.value;
  if (value.index() != column.min->index()) return true;
  if (const double* d = std::get_if<double>(&value); d != nullptr && std::isnan(*d)) return true;
  switch (predicate.op) {
    case Op::kEqual:
      return Compare(*column.min, value) <= 0 && Compare(value, *column.max) <= 0;
    case Op::kLess:
      return Compare(*column.min, value) < 0;
    case Op::kLessEqual:
      return Compare(*column.min, value) <= 0;
    case Op::kGreater:
      return Compare(*column.max, value) > 0;
    case Op::kGreaterEqual:
      return Compare(*column.max, value) >= 0;
    default:
      return true;
  }
}

Result<RecordBatch> ReadParquetWhere(std::string_view file_bytes, const std::vector<std::string>& columns,
                                     const std::vector<ColumnPredicate>& predicates, std::string_view file_name) {
  JSM_ASSIGN_OR_RETURN(auto stats, ReadRowGroupStatistics(file_bytes, file_name));
  const auto& [schema, groups] = stats;
  std::vector<size_t> indices;
  for (const ColumnPredicate& predicate : predicates) {
    int index = schema.FieldIndex(predicate.column);
    if (index < 0) {
      return MakeError(ErrorCode::kNotFound, fmt::format("{}: no column named '{}'", file_name, predicate.column));
    }
    indices.push_back(static_cast<size_t>(index));
  }
  auto keep = [&](size_t g) {
    for (size_t p = 0; p < predicates.size(); ++p) {
      if (!RowGroupMayMatch(groups[g], indices[p], predicates[p])) return false;
    }
    return true;
  };
  return ReadParquetRowGroups(file_bytes, columns, keep, file_name);
}

}  // namespace jsm::parquet
