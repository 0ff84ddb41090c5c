#pragma once
/// Decodes the column chunks of a file held in memory: dictionary pages, data
/// pages v1 and v2, PLAIN / dictionary / RLE-boolean values, RLE definition
/// levels, every codec of compression.h.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/record_batch.h"
#include "common/status.h"
#include "parquet/compression.h"
#include "parquet/metadata.h"
#include "parquet/page_header.h"
#include "parquet/schema_conversion.h"

namespace jsm::parquet {

/// The levels and present values of a leaf column of a nested schema, as a
/// column chunk stores them (Dremel): one repetition and definition level per
/// entry, and a value for each entry whose definition level is the maximum.
struct LeveledValues {
  std::vector<uint8_t> definition;  ///< empty when the maximum definition level is 0
  std::vector<uint8_t> repetition;  ///< empty when the maximum repetition level is 0
  Column values;                    ///< present values only, none null
};

/// Largest number of values a page may declare (real writers stay far below);
/// bounds what a corrupt header can make the reader allocate.
inline constexpr size_t kMaxPageValues = size_t{1} << 24;

/// Bytes of a file starting at `offset`: one range a ranged read fetched.
struct FileSegment {
  uint64_t offset = 0;
  std::string_view bytes;
};

/// Where a chunk's pages (its dictionary page included) lie, as its footer metadata says.
struct ChunkRange {
  int64_t start = 0;
  int64_t length = 0;
};

/// The byte range of `metadata`'s pages (unchecked: the reader checks it against the file).
ChunkRange ChunkByteRange(const ColumnMetaData& metadata);

/// Reads column chunks of one file into Columns, reusing its buffers from one
/// chunk to the next. Every error names the file and a byte offset in it.
class ColumnChunkReader {
 public:
  /// `file` is the whole file; pages must lie in [4, data_end) (before the footer).
  ColumnChunkReader(std::string_view file, std::string_view file_name, uint64_t data_end);
  /// Reads from `segments` (sorted, non-overlapping ranges of the file, e.g. fetched from an object
  /// store); every chunk read must lie inside one of them.
  ColumnChunkReader(std::vector<FileSegment> segments, std::string_view file_name, uint64_t data_end);

  /// Appends the `num_rows` values of `chunk`, a chunk of column `leaf` in row group
  /// `row_group` (named in errors), to `out`. A page whose header carries a CRC is
  /// verified before it is decoded.
  Status Read(const ColumnChunk& chunk, const LeafColumn& leaf, int64_t num_rows, Column* out,
              size_t row_group = 0);

  /// Appends the levels and values of `chunk`, a chunk of leaf `leaf` of a
  /// nested schema with the given maximum levels (each at most 255), to `out`.
  Status ReadLeveled(const ColumnChunk& chunk, const LeafColumn& leaf, int max_definition,
                     int max_repetition, LeveledValues* out, size_t row_group = 0);

 private:
  Status ReadChunk(const ColumnChunk& chunk, const LeafColumn& leaf, int64_t expected_values, Column* out);
  Status ReadPages(const ColumnMetaData& metadata, const LeafColumn& leaf, uint64_t start, uint64_t length,
                   Column* out);
  Result<std::string_view> Uncompressed(std::string_view payload, size_t uncompressed_size,
                                        std::string* buffer);
  Status DecodeDictionaryPage(const PageHeader& header, std::string_view payload, const LeafColumn& leaf);
  Status DecodeDataPageV1(const PageHeader& header, std::string_view payload, const LeafColumn& leaf,
                          Column* out);
  Status DecodeDataPageV2(const PageHeader& header, std::string_view payload, const LeafColumn& leaf,
                          Column* out);
  Status DecodeLevels(std::string_view data, size_t count, size_t* present);
  Status DecodeRepetition(std::string_view data, size_t count);
  Status AppendLeveled(const LeafColumn& leaf, size_t count, size_t present);
  Status DecodeValues(Encoding encoding, std::string_view data, size_t count, const LeafColumn& leaf);
  Status AppendValues(const LeafColumn& leaf, size_t count, size_t present, Column* out);

  /// The bytes [start, start + length) of the file; kInternal when they were not fetched.
  Result<std::string_view> Bytes(uint64_t start, uint64_t length) const;

  std::vector<FileSegment> segments_;  ///< the whole file is one segment at offset 0
  std::string file_name_;
  uint64_t data_end_;
  size_t row_group_ = 0;     ///< of the chunk being read, for errors
  std::string column_name_;  ///< of the chunk being read, for errors
  CompressionCodec codec_ = CompressionCodec::kUncompressed;
  PageCodec page_codec_;
  uint64_t values_left_ = 0;
  int max_definition_ = 0;  ///< of the chunk being read: 1 for a flat nullable column
  int max_repetition_ = 0;
  LeveledValues* leveled_ = nullptr;  ///< set while ReadLeveled runs

  bool has_dictionary_ = false;
  std::string dictionary_buffer_;
  std::vector<int64_t> dictionary_ints_;
  std::vector<Int128> dictionary_wides_;
  std::vector<double> dictionary_doubles_;
  std::vector<std::string_view> dictionary_strings_;

  std::string page_buffer_;
  std::vector<uint8_t> levels_;
  std::vector<uint32_t> indices_;
  std::vector<int64_t> ints_;
  std::vector<Int128> wides_;  ///< kDecimal128 values
  std::vector<double> doubles_;
  std::vector<std::string_view> strings_;
  std::vector<uint8_t> repetition_;
  std::string delta_buffer_;  ///< DELTA_BYTE_ARRAY values
};

}  // namespace jsm::parquet
