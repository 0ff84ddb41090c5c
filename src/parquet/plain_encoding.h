#pragma once
/// PLAIN encoding (Encodings.md): fixed-width values little-endian, booleans
/// bit-packed LSB first, byte arrays as a 4-byte length and the bytes,
/// fixed-length byte arrays as the bytes.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/record_batch.h"
#include "common/status.h"
#include "parquet/format.h"

namespace jsm::parquet {

/// Appends the PLAIN encoding, as physical type `type`, of the non-null values
/// among rows [begin, end) of `column`. `has_nulls` false lets it skip the
/// validity check per row.
void AppendPlain(const Column& column, PhysicalType type, size_t begin, size_t end, bool has_nulls,
                 std::string* out);

/// Appends the PLAIN encoding of the non-null 128-bit decimals among rows [begin, end) of
/// `column` (kDecimal128) as FIXED_LEN_BYTE_ARRAY of `width` bytes: big-endian two's complement.
void AppendPlainDecimal128(const Column& column, int width, size_t begin, size_t end, bool has_nulls,
                           std::string* out);

/// `value` as `width` (1..16) big-endian two's complement bytes, appended to `out`; the
/// caller checks that it fits.
void AppendDecimalBigEndian(Int128 value, int width, std::string* out);

/// Decodes `count` PLAIN FIXED_LEN_BYTE_ARRAY decimals of `type_length` bytes into `out`.
/// Returns the bytes consumed.
Result<size_t> DecodePlainDecimal128(std::string_view data, int32_t type_length, size_t count, Int128* out);

/// Appends byte arrays in PLAIN encoding (a dictionary page of strings).
void AppendPlainByteArrays(std::span<const std::string_view> values, std::string* out);

/// Decodes `count` PLAIN values of an integer-like physical type (BOOLEAN,
/// INT32, INT64, or FIXED_LEN_BYTE_ARRAY of `type_length` bytes holding a
/// big-endian decimal) into `out`. Returns the bytes consumed.
Result<size_t> DecodePlainInts(std::string_view data, PhysicalType type, int32_t type_length, size_t count,
                               int64_t* out);

/// Decodes `count` PLAIN DOUBLE values. Returns the bytes consumed.
Result<size_t> DecodePlainDoubles(std::string_view data, size_t count, double* out);

/// Decodes `count` PLAIN BYTE_ARRAY values as views into `data`. Returns the bytes consumed.
Result<size_t> DecodePlainByteArrays(std::string_view data, size_t count, std::string_view* out);

/// The value of a big-endian two's complement decimal of 1..16 bytes, if it fits in int64.
Result<int64_t> DecimalFromBigEndian(std::string_view bytes);

/// The value of a big-endian two's complement decimal of 1..16 bytes.
Result<Int128> Decimal128FromBigEndian(std::string_view bytes);

}  // namespace jsm::parquet
