// Data files of a table: Parquet written from a RecordBatch with its stats (one
// file per partition, under Hive-style directories), and read back through the
// object store with partition columns and evolved nullable columns filled in.

#include <map>
#include <optional>
#include <string>

#include "common/clock.h"
#include "delta/partition_values.h"
#include "delta/schema_diff.h"
#include "delta/snapshot.h"
#include "delta/table.h"
#include "delta/uuid.h"
#include "delta/value_text.h"
#include "parquet/reader.h"
#include "parquet/writer.h"

namespace jsm::delta {
namespace {

std::string_view CodecSuffix(parquet::Compression compression) {
  switch (compression) {
    case parquet::Compression::kZstd: return ".zstd";
    case parquet::Compression::kSnappy: return ".snappy";
    case parquet::Compression::kUncompressed: return "";
  }
  return "";
}

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  for (const std::string& n : names) {
    if (n == name) return true;
  }
  return false;
}

}  // namespace

Result<AddFile> DeltaTable::WritePartitionFile(const RecordBatch& data,
                                               const std::map<std::string, std::string>& partition_values,
                                               const parquet::WriterOptions& options) {
  // A table we may read but not write gets no data file of ours either.
  JSM_RETURN_IF_ERROR(CheckProtocolSupported(snapshot_.protocol, Describe()));
  std::string bytes;
  JSM_RETURN_IF_ERROR(parquet::WriteParquet(data, options, &bytes));
  const std::string name = PartitionDirectory(snapshot_.metadata.partition_columns, partition_values) +
                           "part-00000-" + NewUuidV4() + "-c000" + std::string(CodecSuffix(options.compression)) +
                           ".parquet";
  JSM_RETURN_IF_ERROR(store_->Put(Key(name), bytes));
  AddFile add;
  add.path = name;
  for (const std::string& column : snapshot_.metadata.partition_columns) {
    const auto it = partition_values.find(column);
    add.partition_values[column] = it == partition_values.end() ? "" : it->second;
  }
  add.size = static_cast<int64_t>(bytes.size());
  add.modification_time = NowMillis();
  add.data_change = true;
  add.stats = ComputeStatsJson(data);
  add.num_records = static_cast<int64_t>(data.num_rows());
  return add;
}

Result<std::vector<AddFile>> DeltaTable::WriteDataFiles(const RecordBatch& batch,
                                                        const parquet::WriterOptions& options) {
  const std::string difference = DescribeSchemaDifference(batch.schema(), schema(), "the batch");
  if (!difference.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "batch does not match the schema of table " + Describe() + ": " + difference);
  }
  const std::vector<std::string>& partition_columns = snapshot_.metadata.partition_columns;
  if (partition_columns.empty()) {
    JSM_ASSIGN_OR_RETURN(AddFile add, WritePartitionFile(batch, {}, options));
    return std::vector<AddFile>{std::move(add)};
  }
  // The data schema: the table's columns less the partition columns.
  Schema data_schema;
  std::vector<size_t> data_indexes, partition_indexes;
  for (size_t i = 0; i < batch.schema().fields.size(); ++i) {
    if (Contains(partition_columns, batch.schema().fields[i].name)) continue;
    data_schema.fields.push_back(batch.schema().fields[i]);
    data_indexes.push_back(i);
  }
  for (const std::string& column : partition_columns) {
    partition_indexes.push_back(static_cast<size_t>(batch.schema().FieldIndex(column)));
  }
  // Rows grouped by their partition values, in first-seen order of the groups.
  std::map<std::map<std::string, std::string>, RecordBatch> groups;
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    std::map<std::string, std::string> values;
    for (size_t p = 0; p < partition_columns.size(); ++p) {
      const Column& column = batch.column(partition_indexes[p]);
      values[partition_columns[p]] =
          column.IsNull(row) ? "" : FormatValueText(column, row, batch.schema().fields[partition_indexes[p]]);
    }
    auto [it, inserted] = groups.try_emplace(std::move(values), data_schema);
    for (size_t d = 0; d < data_indexes.size(); ++d) it->second.column(d).AppendFrom(batch.column(data_indexes[d]), row);
  }
  std::vector<AddFile> adds;
  for (const auto& [values, data] : groups) {
    JSM_ASSIGN_OR_RETURN(AddFile add, WritePartitionFile(data, values, options));
    adds.push_back(std::move(add));
  }
  return adds;
}

Result<AddFile> DeltaTable::WriteDataFile(const RecordBatch& batch, const parquet::WriterOptions& options) {
  JSM_ASSIGN_OR_RETURN(std::vector<AddFile> adds, WriteDataFiles(batch, options));
  if (adds.size() != 1) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "batch for partitioned table " + Describe() + " spans " + std::to_string(adds.size()) +
                         " partitions; use WriteDataFiles");
  }
  return std::move(adds.front());
}

Result<RecordBatch> DeltaTable::ReadDataFile(const std::string& path, const std::vector<std::string>& columns) const {
  if (path.find("://") != std::string::npos || path.starts_with('/')) {
    return MakeError(ErrorCode::kUnsupported,
                     "data file '" + path + "' of table " + Describe() + " is an absolute path; only paths "
                     "relative to the table root are supported");
  }
  const std::string key = Key(path);
  const std::string file_name = store_->Describe() + "/" + key;
  const auto add = snapshot_.files.find(path);
  // On a remote store (Azure), a read of some columns fetches only the footer and their column
  // chunks; a read of every column is one whole-file request (a ranged read would cost a footer
  // round trip more for the same bytes), as is every read of a local file.
  std::string bytes;
  std::optional<parquet::RangedParquetFile> ranged;
  Schema file_schema;
  const bool some_columns = !columns.empty() && columns.size() < schema().fields.size();
  if (some_columns && store_->PrefersRangedReads() && add != snapshot_.files.end() && add->second.size > 0) {
    storage::ObjectStore* store = store_;
    JSM_ASSIGN_OR_RETURN(ranged, parquet::RangedParquetFile::Open(
                                     static_cast<uint64_t>(add->second.size),
                                     [store, key](uint64_t offset, uint64_t length) {
                                       return store->GetRange(key, offset, length);
                                     },
                                     file_name));
    JSM_ASSIGN_OR_RETURN(file_schema, ranged->schema());
  } else {
    JSM_ASSIGN_OR_RETURN(bytes, store_->Get(key));
    JSM_ASSIGN_OR_RETURN(file_schema, parquet::ReadParquetSchema(bytes, file_name));
  }

  // The output columns, in the order asked for (or the table's).
  std::vector<Field> wanted;
  if (columns.empty()) {
    wanted = schema().fields;
  } else {
    for (const std::string& name : columns) {
      const int index = schema().FieldIndex(name);
      if (index < 0) {
        return MakeError(ErrorCode::kInvalidArgument, "table " + Describe() + " has no column '" + name + "'");
      }
      wanted.push_back(schema().fields[static_cast<size_t>(index)]);
    }
  }
  const std::vector<std::string>& partition_columns = snapshot_.metadata.partition_columns;
  std::vector<std::string> from_file;
  for (const Field& field : wanted) {
    if (!Contains(partition_columns, field.name) && file_schema.FieldIndex(field.name) >= 0) {
      from_file.push_back(field.name);
    }
  }
  RecordBatch file_batch;
  size_t rows = 0;
  if (!from_file.empty()) {
    if (ranged) {
      JSM_ASSIGN_OR_RETURN(file_batch, ranged->Read(from_file));
    } else {
      JSM_ASSIGN_OR_RETURN(file_batch, parquet::ReadParquet(bytes, from_file, file_name));
    }
    rows = file_batch.num_rows();
  } else if (ranged) {
    // The rows are counted by decoding one column: a footer's row count alone is not
    // trusted (a corrupt one would make the null and partition columns below huge).
    if (!file_schema.fields.empty()) {
      JSM_ASSIGN_OR_RETURN(RecordBatch one, ranged->Read({file_schema.fields.front().name}));
      rows = one.num_rows();
    }
  } else {
    JSM_ASSIGN_OR_RETURN(RecordBatch all, parquet::ReadParquet(bytes, {}, file_name));
    rows = all.num_rows();
  }
  RecordBatch out(Schema{wanted});
  for (size_t i = 0; i < wanted.size(); ++i) {
    const Field& field = wanted[i];
    if (Contains(partition_columns, field.name)) {
      std::string text;
      if (add != snapshot_.files.end()) {
        const auto it = add->second.partition_values.find(field.name);
        if (it != add->second.partition_values.end()) text = it->second;
      }
      JSM_ASSIGN_OR_RETURN(out.column(i), PartitionColumn(field, text, rows, file_name));
      continue;
    }
    const int index = file_batch.schema().FieldIndex(field.name);
    if (index >= 0) {
      Column& column = file_batch.column(static_cast<size_t>(index));
      if (column.type() != field.type) {
        return MakeError(ErrorCode::kCorruption, "column '" + field.name + "' of data file " + file_name +
                                                     " has a type other than the table schema's");
      }
      out.column(i) = std::move(column);
      continue;
    }
    if (!field.nullable) {
      return MakeError(ErrorCode::kCorruption, "data file " + file_name + " lacks non-nullable column '" +
                                                   field.name + "' of table " + Describe());
    }
    // A nullable column the file lacks reads as null (the file predates it), unless the file holds a column the
    // table does not have: then a name in its footer is damaged (one flipped byte), and nulls would be wrong values.
    for (const Field& stored : file_schema.fields) {
      if (schema().FieldIndex(stored.name) < 0) {
        return MakeError(ErrorCode::kCorruption, "data file " + file_name + " lacks column '" + field.name +
                                                     "' of table " + Describe() + " but holds a column '" +
                                                     stored.name + "' the table does not have (a damaged footer?)");
      }
    }
    for (size_t row = 0; row < rows; ++row) out.column(i).AppendNull();
  }
  return out;
}

}  // namespace jsm::delta
