#include "parquet/writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <vector>

#include "parquet/column_chunk_writer.h"
#include "parquet/little_endian.h"
#include "parquet/metadata.h"
#include "parquet/schema_conversion.h"

namespace jsm::parquet {
namespace {

constexpr std::string_view kMagic = "PAR1";

Status CheckBatch(const RecordBatch& batch) {
  const Schema& schema = batch.schema();
  if (batch.num_columns() != schema.fields.size()) {
    return MakeError(ErrorCode::kInvalidArgument, fmt::format("batch has {} columns for {} fields",
                                                              batch.num_columns(), schema.fields.size()));
  }
  size_t rows = batch.num_rows();
  for (size_t i = 0; i < batch.num_columns(); ++i) {
    const Column& column = batch.column(i);
    const Field& field = schema.fields[i];
    if (column.type() != field.type) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("column {} ('{}') does not have its field's type", i, field.name));
    }
    if (column.size() != rows) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          fmt::format("column '{}' has {} rows where column 0 has {}", field.name, column.size(), rows));
    }
  }
  return Status::Ok();
}

/// End of the row group that starts at `begin`: the first row at which the
/// group's value bytes reach `limit` (at least one row).
size_t RowGroupEnd(const RecordBatch& batch, size_t begin, uint64_t limit) {
  size_t rows = batch.num_rows();
  uint64_t fixed_per_row = 0;
  std::vector<const uint64_t*> string_offsets;
  for (size_t i = 0; i < batch.num_columns(); ++i) {
    switch (batch.column(i).type()) {
      case DataType::kString:
      case DataType::kBinary:
        fixed_per_row += 4;
        string_offsets.push_back(batch.column(i).offsets().data());
        break;
      case DataType::kBoolean:
        fixed_per_row += 1;
        break;
      case DataType::kInt32:
      case DataType::kDate:
        fixed_per_row += 4;
        break;
      case DataType::kDecimal128:
        fixed_per_row += 16;
        break;
      default:
        fixed_per_row += 8;
        break;
    }
  }
  // Bytes of rows [begin, r): increasing in r, so bisect for the first r reaching the limit.
  auto bytes = [&](size_t r) {
    uint64_t total = fixed_per_row * (r - begin);
    for (const uint64_t* offsets : string_offsets) total += offsets[r] - offsets[begin];
    return total;
  };
  if (bytes(rows) < limit) return rows;
  size_t lo = begin + 1, hi = rows;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (bytes(mid) >= limit) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

}  // namespace

Status WriteParquet(const RecordBatch& batch, const WriterOptions& options, std::string* out) {
  out->clear();
  if (options.row_group_bytes <= 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("row_group_bytes must be positive, got {}", options.row_group_bytes));
  }
  switch (options.compression) {
    case Compression::kUncompressed:
    case Compression::kSnappy:
    case Compression::kZstd:
      break;
    default:
      return MakeError(ErrorCode::kInvalidArgument, "unknown compression option");
  }
  JSM_RETURN_IF_ERROR(CheckBatch(batch));
  const Schema& schema = batch.schema();

  FileMetaData metadata;
  metadata.version = 1;
  JSM_ASSIGN_OR_RETURN(metadata.schema, SchemaElementsFor(schema));
  metadata.num_rows = static_cast<int64_t>(batch.num_rows());
  metadata.created_by = options.created_by;
  metadata.type_defined_column_orders = static_cast<int32_t>(schema.fields.size());

  out->append(kMagic);
  ColumnChunkWriter chunk_writer(options);
  size_t rows = batch.num_rows();
  for (size_t begin = 0; begin < rows;) {
    size_t end = RowGroupEnd(batch, begin, static_cast<uint64_t>(options.row_group_bytes));
    RowGroup& group = metadata.row_groups.emplace_back();
    group.num_rows = static_cast<int64_t>(end - begin);
    group.file_offset = static_cast<int64_t>(out->size());
    int64_t compressed = 0;
    group.columns.reserve(batch.num_columns());
    for (size_t i = 0; i < batch.num_columns(); ++i) {
      Result<ColumnChunk> chunk = chunk_writer.Write(schema.fields[i], batch.column(i), begin, end, out);
      if (!chunk) return std::unexpected(chunk.error());
      const ColumnMetaData& chunk_metadata = chunk->meta_data.value();
      group.total_byte_size += chunk_metadata.total_uncompressed_size;
      compressed += chunk_metadata.total_compressed_size;
      group.columns.push_back(std::move(*chunk));
    }
    group.total_compressed_size = compressed;
    if (metadata.row_groups.size() <= static_cast<size_t>(std::numeric_limits<int16_t>::max())) {
      group.ordinal = static_cast<int16_t>(metadata.row_groups.size() - 1);
    }
    begin = end;
  }

  size_t footer_start = out->size();
  SerializeFileMetaData(metadata, out);
  AppendLe(out, static_cast<uint32_t>(out->size() - footer_start));
  out->append(kMagic);
  return Status::Ok();
}

}  // namespace jsm::parquet
