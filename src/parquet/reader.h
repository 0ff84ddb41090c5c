#pragma once
/// Parquet file reader for flat schemas: PLAIN, dictionary, RLE and DELTA_*
/// encodings, data pages v1/v2, snappy/zstd/gzip/uncompressed. Nested schemas
/// are read by nested_reader.h.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/record_batch.h"
#include "common/status.h"
#include "parquet/footer.h"

namespace jsm::parquet {

/// Reads the schema of a Parquet file from its footer.
Result<Schema> ReadParquetSchema(std::string_view file_bytes, std::string_view file_name);

/// Decodes a whole Parquet file held in memory. `columns` selects columns by
/// name (empty = all, in file order; otherwise in the order given). Corrupt or
/// truncated input yields kCorruption naming `file_name` and the byte offset.
Result<RecordBatch> ReadParquet(std::string_view file_bytes, const std::vector<std::string>& columns,
                                std::string_view file_name);

/// Like ReadParquet, but decodes only the row groups (by index) that
/// `keep_row_group` accepts; an empty function keeps them all.
Result<RecordBatch> ReadParquetRowGroups(std::string_view file_bytes, const std::vector<std::string>& columns,
                                         const std::function<bool(size_t)>& keep_row_group,
                                         std::string_view file_name);

/// Reads bytes [offset, offset + length) of one file (fewer only at its end): the source of
/// a ranged read, e.g. ObjectStore::GetRange. Called from several threads at once when a
/// read needs several ranges, so it must be thread-safe.
using ReadByteRange = std::function<Result<std::string>(uint64_t offset, uint64_t length)>;

/// What a ranged read fetched.
struct RangeReadStats {
  int64_t requests = 0;  ///< ReadByteRange calls
  int64_t bytes = 0;     ///< bytes they returned
};

/// Tuning of ranged reads.
struct RangeReadOptions {
  /// The first read takes this many bytes off the file's end: the 8-byte footer length and
  /// magic and, usually, the whole footer; a larger footer costs one more read.
  uint64_t footer_prefetch = 64 << 10;
  /// Column-chunk ranges closer than this are fetched in one request (the gap is read too:
  /// cheaper than a round trip to a remote store).
  uint64_t coalesce_gap = 64 << 10;
  /// ...as long as the merged request stays at most this long.
  uint64_t max_request = 32 << 20;
  /// Requests of one Read in flight at once (each on its own thread); 1 = one after another.
  int parallel_requests = 8;
};

/// A Parquet file read through byte ranges instead of whole (an object store): Open reads
/// the footer off the tail, Read fetches only the column chunks of the selected columns and
/// row groups, nearby ones coalesced. Decoding is that of ReadParquetRowGroups.
class RangedParquetFile {
 public:
  /// Reads the footer of the `file_size`-byte file behind `read`. Errors as ReadParquet's.
  static Result<RangedParquetFile> Open(uint64_t file_size, ReadByteRange read, std::string file_name,
                                        RangeReadOptions options = {});

  /// The file's schema (flat schemas only).
  Result<Schema> schema() const;
  /// The rows of the row groups `keep_row_group` accepts (empty = all) in `columns` (empty = all,
  /// in file order); fetches just their column chunks, none that the footer read already holds
  /// (a file smaller than `footer_prefetch` costs one read in all).
  Result<RecordBatch> Read(const std::vector<std::string>& columns,
                           const std::function<bool(size_t)>& keep_row_group = {});
  /// Rows in the file, from its footer.
  int64_t num_rows() const { return footer_.metadata.num_rows; }
  /// Requests and bytes fetched so far (footer included).
  const RangeReadStats& stats() const { return stats_; }

 private:
  RangedParquetFile(uint64_t file_size, ReadByteRange read, std::string file_name, RangeReadOptions options)
      : file_size_(file_size), read_(std::move(read)), file_name_(std::move(file_name)), options_(options) {}
  /// One counted read of exactly [offset, offset + length); kCorruption when the file is shorter.
  Result<std::string> Fetch(uint64_t offset, uint64_t length);

  uint64_t file_size_;
  ReadByteRange read_;
  std::string file_name_;
  RangeReadOptions options_;
  Footer footer_;
  std::string tail_;          ///< the bytes of the tail read(s): [tail_offset_, file_size_)
  uint64_t tail_offset_ = 0;
  RangeReadStats stats_;
};

}  // namespace jsm::parquet
