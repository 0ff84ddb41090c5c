#pragma once
/// The RLE / bit-packing hybrid encoding (Encodings.md) used for definition
/// levels, dictionary indices and RLE booleans: runs of one repeated value, or
/// groups of eight values bit-packed least significant bit first.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/status.h"

namespace jsm::parquet {

/// Smallest number of bits that can hold `max_value` (0 for 0).
int BitWidthFor(uint64_t max_value);

/// Appends the hybrid encoding of `values` (each below 2^bit_width, bit_width
/// 0..32) to `out`, without a length prefix.
void AppendRleBitPacked(std::span<const uint8_t> values, int bit_width, std::string* out);
void AppendRleBitPacked(std::span<const uint32_t> values, int bit_width, std::string* out);

/// Decodes the hybrid encoding from a byte range, checking every read against
/// its end. Errors are kCorruption and give the byte position inside the range.
class RleBitPackedDecoder {
 public:
  /// `bit_width` must be 0..32; callers check widths read from files first.
  RleBitPackedDecoder(std::string_view data, int bit_width);

  /// Decodes the next `count` values into `out`.
  Status Decode(uint8_t* out, size_t count);
  Status Decode(uint32_t* out, size_t count);

 private:
  template <class T>
  Status DecodeImpl(T* out, size_t count);
  Status NextRun();

  std::string_view data_;
  size_t pos_ = 0;
  int bit_width_;
  uint64_t rle_left_ = 0;
  uint32_t rle_value_ = 0;
  uint64_t packed_left_ = 0;
  uint64_t packed_bit_ = 0;  ///< bit position in data_ of the next packed value
};

}  // namespace jsm::parquet
