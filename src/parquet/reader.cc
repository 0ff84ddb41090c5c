#include "parquet/reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <future>
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

namespace {

/// The leaf columns a read decodes, in output order.
struct Selection {
  std::vector<size_t> leaf_indices;
  std::vector<LeafColumn> leaves;
  Schema schema;
  size_t file_leaves = 0;
};

Result<Selection> SelectColumns(const Footer& footer, const std::vector<std::string>& columns,
                                std::string_view file_name) {
  Result<std::span<const SchemaElement>> leaves = FlatLeaves(footer.metadata.schema);
  if (!leaves) return InFooter(file_name, footer.start, leaves.error());
  Selection selection;
  selection.file_leaves = leaves->size();
  if (columns.empty()) {
    for (size_t i = 0; i < leaves->size(); ++i) selection.leaf_indices.push_back(i);
  } else {
    for (const std::string& name : columns) {
      auto it = std::find_if(leaves->begin(), leaves->end(),
                             [&](const SchemaElement& e) { return e.name == name; });
      if (it == leaves->end()) {
        return MakeError(ErrorCode::kNotFound, fmt::format("{}: no column named '{}'", file_name, name));
      }
      selection.leaf_indices.push_back(static_cast<size_t>(it - leaves->begin()));
    }
  }
  for (size_t index : selection.leaf_indices) {
    Result<LeafColumn> leaf = LeafColumnFor((*leaves)[index]);
    if (!leaf) return InFooter(file_name, footer.start, leaf.error());
    selection.schema.fields.push_back(leaf->field);
    selection.leaves.push_back(std::move(*leaf));
  }
  return selection;
}

/// Checks that every row group has a chunk per column.
Status CheckRowGroups(const Footer& footer, size_t file_leaves, std::string_view file_name) {
  for (size_t g = 0; g < footer.metadata.row_groups.size(); ++g) {
    const RowGroup& group = footer.metadata.row_groups[g];
    if (group.columns.size() != file_leaves) {
      return Corrupt(file_name, footer.start,
                     fmt::format("row group {} has {} column chunks for {} columns", g, group.columns.size(),
                                 file_leaves));
    }
  }
  return Status::Ok();
}

/// Decodes the selected columns of the kept row groups through `reader`.
Result<RecordBatch> Decode(const Footer& footer, Selection selection, ColumnChunkReader& reader,
                           const std::function<bool(size_t)>& keep_row_group, uint64_t file_size) {
  const FileMetaData& metadata = footer.metadata;
  RecordBatch batch(std::move(selection.schema));
  // A hint only: the footer's row count is not trusted with memory beyond the file's size.
  size_t reserve = static_cast<size_t>(std::min<uint64_t>(static_cast<uint64_t>(metadata.num_rows), file_size));
  for (size_t j = 0; j < selection.leaf_indices.size(); ++j) batch.column(j).Reserve(reserve);
  for (size_t g = 0; g < metadata.row_groups.size(); ++g) {
    const RowGroup& group = metadata.row_groups[g];
    if (keep_row_group && !keep_row_group(g)) continue;
    for (size_t j = 0; j < selection.leaf_indices.size(); ++j) {
      JSM_RETURN_IF_ERROR(reader.Read(group.columns[selection.leaf_indices[j]], selection.leaves[j], group.num_rows,
                                      &batch.column(j), g));
    }
  }
  return batch;
}

}  // namespace

Result<RecordBatch> ReadParquetRowGroups(std::string_view file_bytes, const std::vector<std::string>& columns,
                                         const std::function<bool(size_t)>& keep_row_group,
                                         std::string_view file_name) {
  JSM_ASSIGN_OR_RETURN(Footer footer, ReadFooter(file_bytes, file_name));
  JSM_ASSIGN_OR_RETURN(Selection selection, SelectColumns(footer, columns, file_name));
  JSM_RETURN_IF_ERROR(CheckRowGroups(footer, selection.file_leaves, file_name));
  ColumnChunkReader reader(file_bytes, file_name, footer.start);
  return Decode(footer, std::move(selection), reader, keep_row_group, file_bytes.size());
}

Result<std::string> RangedParquetFile::Fetch(uint64_t offset, uint64_t length) {
  JSM_ASSIGN_OR_RETURN(std::string bytes, read_(offset, length));
  ++stats_.requests;
  stats_.bytes += static_cast<int64_t>(bytes.size());
  if (bytes.size() != length) {
    return Corrupt(file_name_, offset,
                   fmt::format("read of {} bytes returned {} (the file is shorter than its {} bytes?)", length,
                               bytes.size(), file_size_));
  }
  return bytes;
}

Result<RangedParquetFile> RangedParquetFile::Open(uint64_t file_size, ReadByteRange read, std::string file_name,
                                                  RangeReadOptions options) {
  RangedParquetFile file(file_size, std::move(read), std::move(file_name), options);
  if (file_size < 12) {
    return Corrupt(file.file_name_, 0, fmt::format("file of {} bytes is too short for Parquet", file_size));
  }
  // One read of the tail: the length and magic, and usually the whole footer with them.
  const uint64_t tail_size = std::clamp<uint64_t>(options.footer_prefetch, 8, file_size);
  JSM_ASSIGN_OR_RETURN(std::string tail, file.Fetch(file_size - tail_size, tail_size));
  if (tail_size == file_size && std::string_view(tail).substr(0, 4) != "PAR1") {
    return Corrupt(file.file_name_, 0, "missing PAR1 magic");
  }
  JSM_ASSIGN_OR_RETURN(const uint32_t footer_size,
                       FooterLength(std::string_view(tail).substr(tail.size() - 8), file_size, file.file_name_));
  // 64-bit sums: a length near 2^32 must not wrap (FooterLength bounds it by the file size).
  const uint64_t footer_and_trailer = uint64_t{footer_size} + 8;
  const uint64_t footer_start = file_size - footer_and_trailer;
  if (footer_and_trailer > tail.size()) {
    // The footer is longer than the first read: fetch the part before it.
    const uint64_t missing = footer_and_trailer - tail.size();
    JSM_ASSIGN_OR_RETURN(std::string head, file.Fetch(footer_start, missing));
    tail.insert(0, head);
  }
  const std::string_view footer_bytes = std::string_view(tail).substr(tail.size() - footer_and_trailer, footer_size);
  JSM_ASSIGN_OR_RETURN(file.footer_, ParseFooter(footer_bytes, footer_start, file.file_name_));
  file.tail_offset_ = file_size - tail.size();
  file.tail_ = std::move(tail);
  return file;
}

Result<Schema> RangedParquetFile::schema() const {
  JSM_ASSIGN_OR_RETURN(Selection selection, SelectColumns(footer_, {}, file_name_));
  return std::move(selection.schema);
}

Result<RecordBatch> RangedParquetFile::Read(const std::vector<std::string>& columns,
                                            const std::function<bool(size_t)>& keep_row_group) {
  JSM_ASSIGN_OR_RETURN(Selection selection, SelectColumns(footer_, columns, file_name_));
  JSM_RETURN_IF_ERROR(CheckRowGroups(footer_, selection.file_leaves, file_name_));
  // The byte ranges of the chunks to decode. A range outside the data region is left out:
  // the chunk reader then reports it as corruption, as on a whole file.
  std::vector<std::pair<uint64_t, uint64_t>> ranges;  // [begin, end)
  const auto& groups = footer_.metadata.row_groups;
  for (size_t g = 0; g < groups.size(); ++g) {
    if (keep_row_group && !keep_row_group(g)) continue;
    for (size_t index : selection.leaf_indices) {
      const ColumnChunk& chunk = groups[g].columns[index];
      if (!chunk.meta_data) continue;
      const ChunkRange range = ChunkByteRange(*chunk.meta_data);
      if (range.start < 4 || range.length <= 0 || static_cast<uint64_t>(range.start) > footer_.start ||
          static_cast<uint64_t>(range.length) > footer_.start - static_cast<uint64_t>(range.start)) {
        continue;
      }
      // A chunk that starts in the tail lies wholly in it (chunks end before the footer).
      if (static_cast<uint64_t>(range.start) >= tail_offset_) continue;
      ranges.emplace_back(range.start, range.start + range.length);
    }
  }
  std::sort(ranges.begin(), ranges.end());
  std::vector<std::pair<uint64_t, uint64_t>> requests;
  for (const auto& [begin, end] : ranges) {
    if (!requests.empty() && begin <= requests.back().second + options_.coalesce_gap &&
        std::max(end, requests.back().second) - requests.back().first <= options_.max_request) {
      requests.back().second = std::max(requests.back().second, end);
    } else {
      requests.emplace_back(begin, end);
    }
  }
  // Overlapping chunk ranges (only a corrupt footer has them) may start inside the previous request.
  std::vector<std::pair<uint64_t, uint64_t>> fetches;  // [from, end), disjoint and sorted
  for (const auto& [begin, end] : requests) {
    const uint64_t from = fetches.empty() ? begin : std::max(begin, fetches.back().second);
    if (from < end) fetches.emplace_back(from, end);
  }
  std::vector<Result<std::string>> fetched(fetches.size(), std::string());
  const size_t parallel = static_cast<size_t>(std::max(1, options_.parallel_requests));
  for (size_t first = 0; first < fetches.size(); first += parallel) {
    const size_t last = std::min(fetches.size(), first + parallel);
    std::vector<std::future<void>> running;
    // The first of a wave runs on this thread, the others on their own.
    for (size_t i = first + 1; i < last; ++i) {
      running.push_back(std::async(std::launch::async, [&, i] {
        fetched[i] = read_(fetches[i].first, fetches[i].second - fetches[i].first);
      }));
    }
    fetched[first] = read_(fetches[first].first, fetches[first].second - fetches[first].first);
    for (auto& task : running) task.get();
  }
  std::vector<FileSegment> segments;
  segments.reserve(fetches.size() + 1);
  for (size_t i = 0; i < fetches.size(); ++i) {
    if (!fetched[i]) return std::unexpected(std::move(fetched[i]).error());
    const auto [from, end] = fetches[i];
    ++stats_.requests;
    stats_.bytes += static_cast<int64_t>(fetched[i]->size());
    if (fetched[i]->size() != end - from) {
      return Corrupt(file_name_, from,
                     fmt::format("read of {} bytes returned {} (the file is shorter than its {} bytes?)", end - from,
                                 fetched[i]->size(), file_size_));
    }
    segments.push_back(FileSegment{from, *fetched[i]});
  }
  // Last, as every fetched request starts before it: the lookup takes the last segment starting
  // at or before a chunk, which is the tail exactly for the chunks left out above.
  segments.push_back(FileSegment{tail_offset_, tail_});
  ColumnChunkReader reader(std::move(segments), file_name_, footer_.start);
  return Decode(footer_, std::move(selection), reader, keep_row_group, file_size_);
}

}  // namespace jsm::parquet
