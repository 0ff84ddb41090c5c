#pragma once
/// Encodes one column of one row group as a column chunk: an optional
/// dictionary page and data pages v1 of about 1 MiB, compressed per page, with
/// the chunk's metadata and statistics.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/record_batch.h"
#include "common/status.h"
#include "parquet/compression.h"
#include "parquet/metadata.h"
#include "parquet/string_dictionary.h"
#include "parquet/writer.h"

namespace jsm::parquet {

/// Uncompressed size at which a data page is closed.
inline constexpr size_t kDataPageBytes = size_t{1} << 20;
/// A string chunk keeps dictionary encoding while its dictionary has at most
/// this many entries...
inline constexpr size_t kMaxDictionaryEntries = 65536;
/// ...and at most this many bytes of PLAIN dictionary page.
inline constexpr size_t kMaxDictionaryBytes = size_t{1} << 20;

/// The codec a Compression option stands for.
CompressionCodec CodecFor(Compression compression);

/// Writes column chunks into a file buffer, reusing its page buffers, dictionary
/// and codec contexts from one chunk to the next. Every page header carries the
/// page's CRC-32 (page_checksum.h).
class ColumnChunkWriter {
 public:
  explicit ColumnChunkWriter(const WriterOptions& options);

  /// Appends the pages of rows [begin, end) of `column` (of `field`, begin < end)
  /// to `out` and returns the chunk's metadata, offsets relative to the start of
  /// `out`. A null in a non-nullable field, or an int32/date value out of range,
  /// is kInvalidArgument.
  Result<ColumnChunk> Write(const Field& field, const Column& column, size_t begin, size_t end,
                            std::string* out);

  /// Appends the pages of a leaf of a nested schema: its levels (Dremel) and
  /// its present values (`values`, none null), PLAIN encoded, with pages cut at
  /// record boundaries (repetition level 0). `path` is the leaf's path_in_schema.
  Result<ColumnChunk> WriteLeveled(const Field& field, std::vector<std::string> path, const Column& values,
                                   std::span<const uint8_t> definition, int max_definition,
                                   std::span<const uint8_t> repetition, int max_repetition, std::string* out);

 private:
  bool BuildDictionary(const Column& column, size_t begin, size_t end);
  size_t PageEnd(const Column& column, size_t begin, size_t end, int value_width, int index_bit_width) const;
  Status WritePage(PageType type, int32_t num_values, Encoding encoding, std::string* out,
                   ColumnMetaData* metadata);

  CompressionCodec codec_;
  int zstd_level_;
  bool dictionary_enabled_;
  PageCodec page_codec_;
  StringDictionary dictionary_;
  std::vector<uint32_t> indices_;
  std::string body_;
  std::string compressed_;
  std::string header_;
};

}  // namespace jsm::parquet
