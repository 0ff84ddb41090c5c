#include "parquet/reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "parquet/column_chunk_reader.h"
#include "parquet/footer.h"
#include "parquet/little_endian.h"
#include "parquet/metadata.h"
#include "parquet/schema_conversion.h"

namespace jsm::parquet {
namespace {

std::unexpected<Error> Corrupt(std::string_view file_name, uint64_t offset, std::string_view what) {
  return MakeError(ErrorCode::kCorruption, fmt::format("{}: {} at byte offset {}", file_name, what, offset));
}

/// An error about the schema, placed at the footer that holds it.
std::unexpected<Error> InFooter(std::string_view file_name, uint64_t footer_start, const Error& error) {
  return std::unexpected(
      error.WithContext(fmt::format("{}: footer at byte offset {}", file_name, footer_start)));
}

}  // namespace

Result<Schema> ReadParquetSchema(std::string_view file_bytes, std::string_view file_name) {
  JSM_ASSIGN_OR_RETURN(Footer footer, ReadFooter(file_bytes, file_name));
  Result<std::span<const SchemaElement>> leaves = FlatLeaves(footer.metadata.schema);
  if (!leaves) return InFooter(file_name, footer.start, leaves.error());
  Schema schema;
  schema.fields.reserve(leaves->size());
  for (const SchemaElement& element : *leaves) {
    Result<LeafColumn> leaf = LeafColumnFor(element);
    if (!leaf) return InFooter(file_name, footer.start, leaf.error());
    schema.fields.push_back(leaf->field);
  }
  return schema;
}

Result<RecordBatch> ReadParquet(std::string_view file_bytes, const std::vector<std::string>& columns,
                                std::string_view file_name) {
  return ReadParquetRowGroups(file_bytes, columns, {}, file_name);
}

Result<RecordBatch> ReadParquetRowGroups(std::string_view file_bytes, const std::vector<std::string>& columns,
                                         const std::function<bool(size_t)>& keep_row_group,
                                         std::string_view file_name) {
  JSM_ASSIGN_OR_RETURN(Footer footer, ReadFooter(file_bytes, file_name));
  const FileMetaData& metadata = footer.metadata;
  Result<std::span<const SchemaElement>> leaves = FlatLeaves(metadata.schema);
  if (!leaves) return InFooter(file_name, footer.start, leaves.error());

  std::vector<size_t> selected;
  if (columns.empty()) {
    for (size_t i = 0; i < leaves->size(); ++i) selected.push_back(i);
  } else {
    for (const std::string& name : columns) {
      auto it = std::find_if(leaves->begin(), leaves->end(),
                             [&](const SchemaElement& e) { return e.name == name; });
      if (it == leaves->end()) {
        return MakeError(ErrorCode::kNotFound, fmt::format("{}: no column named '{}'", file_name, name));
      }
      selected.push_back(static_cast<size_t>(it - leaves->begin()));
    }
  }
  std::vector<LeafColumn> leaf_columns;
  Schema schema;
  for (size_t index : selected) {
    Result<LeafColumn> leaf = LeafColumnFor((*leaves)[index]);
    if (!leaf) return InFooter(file_name, footer.start, leaf.error());
    schema.fields.push_back(leaf->field);
    leaf_columns.push_back(std::move(*leaf));
  }

  RecordBatch batch(std::move(schema));
  // A hint only: the footer's row count is not trusted with memory beyond the file's size.
  size_t reserve =
      static_cast<size_t>(std::min<uint64_t>(static_cast<uint64_t>(metadata.num_rows), file_bytes.size()));
  for (size_t j = 0; j < selected.size(); ++j) batch.column(j).Reserve(reserve);

  ColumnChunkReader reader(file_bytes, file_name, footer.start);
  for (size_t g = 0; g < metadata.row_groups.size(); ++g) {
    const RowGroup& group = metadata.row_groups[g];
    if (group.columns.size() != leaves->size()) {
      return Corrupt(file_name, footer.start,
                     fmt::format("row group {} has {} column chunks for {} columns", g, group.columns.size(),
                                 leaves->size()));
    }
    if (keep_row_group && !keep_row_group(g)) continue;
    for (size_t j = 0; j < selected.size(); ++j) {
      JSM_RETURN_IF_ERROR(
          reader.Read(group.columns[selected[j]], leaf_columns[j], group.num_rows, &batch.column(j)));
    }
  }
  return batch;
}

}  // namespace jsm::parquet
