// Data files of a table: Parquet written from a RecordBatch with its stats, and
// read back through the object store.

#include <string>

#include "common/clock.h"
#include "delta/schema_diff.h"
#include "delta/table.h"
#include "delta/uuid.h"
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

}  // namespace

Result<AddFile> DeltaTable::WriteDataFile(const RecordBatch& batch, const parquet::WriterOptions& options) {
  if (!snapshot_.metadata.partition_columns.empty()) {
    return MakeError(ErrorCode::kUnsupported,
                     "writing data files of partitioned table " + Describe() + " is not supported yet");
  }
  const std::string difference = DescribeSchemaDifference(batch.schema(), schema(), "the batch");
  if (!difference.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "batch does not match the schema of table " + Describe() + ": " + difference);
  }
  std::string bytes;
  JSM_RETURN_IF_ERROR(parquet::WriteParquet(batch, options, &bytes));
  const std::string name =
      "part-00000-" + NewUuidV4() + "-c000" + std::string(CodecSuffix(options.compression)) + ".parquet";
  JSM_RETURN_IF_ERROR(store_->Put(Key(name), bytes));
  AddFile add;
  add.path = name;
  add.size = static_cast<int64_t>(bytes.size());
  add.modification_time = NowMillis();
  add.data_change = true;
  add.stats = ComputeStatsJson(batch);
  add.num_records = static_cast<int64_t>(batch.num_rows());
  return add;
}

Result<RecordBatch> DeltaTable::ReadDataFile(const std::string& path, const std::vector<std::string>& columns) const {
  if (path.find("://") != std::string::npos || path.starts_with('/')) {
    return MakeError(ErrorCode::kUnsupported,
                     "data file '" + path + "' of table " + Describe() + " is an absolute path; only paths "
                     "relative to the table root are supported");
  }
  const std::string key = Key(path);
  JSM_ASSIGN_OR_RETURN(const std::string bytes, store_->Get(key));
  return parquet::ReadParquet(bytes, columns, store_->Describe() + "/" + key);
}

}  // namespace jsm::delta
