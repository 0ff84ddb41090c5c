#pragma once
/// Decoders of the DELTA_* encodings (Encodings.md): DELTA_BINARY_PACKED for
/// INT32/INT64, DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY for BYTE_ARRAY.
/// Every read is checked against the end of the input; errors are kCorruption
/// with the byte position inside the encoded range.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace jsm::parquet {

/// Decodes `count` DELTA_BINARY_PACKED integers from `data` into `out`; the
/// stream must hold exactly `count` values. `int32` true wraps the arithmetic at
/// 32 bits (INT32 columns) and sign-extends. Returns the bytes consumed.
Result<size_t> DecodeDeltaBinaryPacked(std::string_view data, size_t count, bool int32, int64_t* out);

/// Decodes `count` DELTA_LENGTH_BYTE_ARRAY values as views into `data`. Returns the bytes consumed.
Result<size_t> DecodeDeltaLengthByteArray(std::string_view data, size_t count, std::string_view* out);

/// Decodes `count` DELTA_BYTE_ARRAY (incremental / front-coded) values. The
/// values are rebuilt into `buffer` (cleared first) and `out` views into it.
Status DecodeDeltaByteArray(std::string_view data, size_t count, std::string* buffer,
                            std::vector<std::string_view>* out);

}  // namespace jsm::parquet
