// OPTIMIZE (bin-packing compaction).

#include "delta/optimize.h"

#include <algorithm>
#include <map>

#include "common/clock.h"
#include "delta/snapshot.h"

namespace jsm::delta {

Result<OptimizeMetrics> Optimize(DeltaTable* table, const OptimizeOptions& options) {
  JSM_RETURN_IF_ERROR(CheckProtocolSupported(table->snapshot().protocol, table->Location()));
  const Metadata& metadata = table->snapshot().metadata;
  std::vector<std::string> data_columns;
  for (const Field& field : metadata.schema.fields) {
    if (std::find(metadata.partition_columns.begin(), metadata.partition_columns.end(), field.name) ==
        metadata.partition_columns.end()) {
      data_columns.push_back(field.name);
    }
  }
  // Small files by partition, smallest first.
  std::map<std::map<std::string, std::string>, std::vector<const AddFile*>> small;
  for (const auto& [path, add] : table->snapshot().files) {
    if (add.size < options.target_file_size) small[add.partition_values].push_back(&add);
  }
  OptimizeMetrics metrics;
  std::vector<Action> actions;
  const int64_t now = NowMillis();
  for (auto& [partition, files] : small) {
    std::sort(files.begin(), files.end(), [](const AddFile* a, const AddFile* b) {
      return a->size != b->size ? a->size < b->size : a->path < b->path;
    });
    std::vector<std::vector<const AddFile*>> bins(1);
    int64_t bin_bytes = 0;
    for (const AddFile* file : files) {
      if (!bins.back().empty() && bin_bytes + file->size > options.target_file_size) {
        bins.emplace_back();
        bin_bytes = 0;
      }
      bins.back().push_back(file);
      bin_bytes += file->size;
    }
    bool compacted = false;
    for (const std::vector<const AddFile*>& bin : bins) {
      if (bin.size() < 2) continue;
      compacted = true;
      RecordBatch merged;
      for (const AddFile* file : bin) {
        JSM_ASSIGN_OR_RETURN(RecordBatch batch, table->ReadDataFile(file->path, data_columns));
        if (merged.num_columns() == 0) {
          merged = std::move(batch);
        } else {
          merged.Append(batch);
        }
        actions.emplace_back(RemovalOf(*file, now, /*data_change=*/false));
        ++metrics.files_removed;
        metrics.bytes_removed += file->size;
      }
      JSM_ASSIGN_OR_RETURN(AddFile add, table->WritePartitionFile(merged, partition, options.writer));
      add.data_change = false;
      metrics.rows += static_cast<int64_t>(merged.num_rows());
      metrics.bytes_added += add.size;
      ++metrics.files_added;
      actions.emplace_back(std::move(add));
    }
    if (compacted) ++metrics.partitions_optimized;
  }
  if (actions.empty()) return metrics;
  CommitInfo info;
  info.operation = "OPTIMIZE";
  info.operation_parameters = {{"predicate", "[]"},
                               {"targetSize", std::to_string(options.target_file_size)}};
  info.operation_metrics = {{"numRemovedFiles", std::to_string(metrics.files_removed)},
                            {"numAddedFiles", std::to_string(metrics.files_added)},
                            {"numRemovedBytes", std::to_string(metrics.bytes_removed)},
                            {"numAddedBytes", std::to_string(metrics.bytes_added)},
                            {"numOutputRows", std::to_string(metrics.rows)}};
  JSM_ASSIGN_OR_RETURN(metrics.version, table->Commit(std::move(actions), std::move(info)));
  return metrics;
}

}  // namespace jsm::delta
