#pragma once
/// Page compression codecs: snappy (raw block format), zstd and gzip (read only),
/// each with the checks that keep a corrupt page from over-allocating.

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"
#include "parquet/format.h"

namespace jsm::parquet {

/// Largest uncompressed page we accept (a sanity cap against corrupt sizes).
inline constexpr size_t kMaxUncompressedPageBytes = size_t{1} << 30;

/// Compresses and decompresses page bodies, keeping codec contexts between calls.
class PageCodec {
 public:
  PageCodec();
  ~PageCodec();
  PageCodec(const PageCodec&) = delete;
  PageCodec& operator=(const PageCodec&) = delete;

  /// Replaces `output` with `input` compressed by `codec` (SNAPPY or ZSTD at
  /// `zstd_level`). Other codecs are kUnsupported.
  Status Compress(CompressionCodec codec, int zstd_level, std::string_view input, std::string* output);

  /// Replaces `output` with `input` decompressed by `codec`, which must yield exactly
  /// `uncompressed_size` bytes. Corrupt input is kCorruption; codecs we do not
  /// implement (LZO, BROTLI, LZ4) are kUnsupported.
  Status Decompress(CompressionCodec codec, std::string_view input, size_t uncompressed_size,
                    std::string* output);

 private:
  struct Contexts;
  Contexts* contexts_;
};

}  // namespace jsm::parquet
