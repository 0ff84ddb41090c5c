#include "parquet/rle.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>

#include "common/check.h"
#include "parquet/little_endian.h"

namespace jsm::parquet {
namespace {

void AppendVarint(std::string* out, uint64_t value) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

template <class T>
size_t RunLength(const T* values, size_t begin, size_t end) {
  T first = values[begin];
  size_t i = begin + 1;
  while (i < end && values[i] == first) ++i;
  return i - begin;
}

template <class T>
bool RunOfAtLeastEight(const T* values, size_t begin, size_t end) {
  if (end - begin < 8) return false;
  T first = values[begin];
  for (size_t i = begin + 1; i < begin + 8; ++i) {
    if (values[i] != first) return false;
  }
  return true;
}

/// Bit-packs `count` values, padding the last group of eight with zeros.
template <class T>
void BitPack(const T* values, size_t count, int bit_width, std::string* out) {
  size_t groups = (count + 7) / 8;
  char* dst = GrowBy(out, groups * static_cast<size_t>(bit_width));
  uint64_t mask = bit_width == 64 ? ~0ULL : (1ULL << bit_width) - 1;
  uint64_t acc = 0;
  int bits = 0;
  size_t padded = groups * 8;
  for (size_t j = 0; j < padded; ++j) {
    uint64_t value = j < count ? (static_cast<uint64_t>(values[j]) & mask) : 0;
    acc |= value << bits;
    bits += bit_width;
    while (bits >= 8) {
      *dst++ = static_cast<char>(acc & 0xFF);
      acc >>= 8;
      bits -= 8;
    }
  }
}

template <class T>
void AppendImpl(std::span<const T> span, int bit_width, std::string* out) {
  JSM_CHECK_GE(bit_width, 0);
  JSM_CHECK_LE(bit_width, 32);
  const T* values = span.data();
  size_t n = span.size();
  size_t value_bytes = static_cast<size_t>(bit_width + 7) / 8;
  size_t i = 0;
  while (i < n) {
    size_t run = RunLength(values, i, n);
    if (run >= 8) {
      AppendVarint(out, static_cast<uint64_t>(run) << 1);
      uint32_t value = static_cast<uint32_t>(values[i]);
      char bytes[4];
      std::memcpy(bytes, &value, 4);
      out->append(bytes, value_bytes);
      i += run;
      continue;
    }
    // A bit-packed run: whole groups of eight until a long repeat starts.
    size_t start = i;
    i = std::min(i + 8, n);
    while (i < n && !RunOfAtLeastEight(values, i, n)) i = std::min(i + 8, n);
    size_t count = i - start;
    AppendVarint(out, (static_cast<uint64_t>((count + 7) / 8) << 1) | 1);
    BitPack(values + start, count, bit_width, out);
  }
}

}  // namespace

int BitWidthFor(uint64_t max_value) { return max_value == 0 ? 0 : 64 - std::countl_zero(max_value); }

void AppendRleBitPacked(std::span<const uint8_t> values, int bit_width, std::string* out) {
  AppendImpl(values, bit_width, out);
}

void AppendRleBitPacked(std::span<const uint32_t> values, int bit_width, std::string* out) {
  AppendImpl(values, bit_width, out);
}

RleBitPackedDecoder::RleBitPackedDecoder(std::string_view data, int bit_width)
    : data_(data), bit_width_(bit_width) {
  JSM_CHECK_GE(bit_width, 0);
  JSM_CHECK_LE(bit_width, 32);
}

Status RleBitPackedDecoder::NextRun() {
  uint64_t header = 0;
  size_t start = pos_;
  for (int shift = 0;; shift += 7) {
    if (pos_ >= data_.size()) {
      return MakeError(ErrorCode::kCorruption,
                       fmt::format("RLE data ends at byte {} where a run header was expected", start));
    }
    if (shift > 56)
      return MakeError(ErrorCode::kCorruption, fmt::format("RLE run header at byte {} too long", start));
    uint8_t byte = static_cast<uint8_t>(data_[pos_++]);
    header |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) break;
  }
  if (header & 1) {
    // Bit-packed groups; a last run may be cut short, so only the values whose
    // bits are present count.
    // No page holds more than 2^31 values, so larger counts are clamped harmlessly.
    uint64_t groups = std::min<uint64_t>(header >> 1, 1ULL << 32);
    uint64_t bytes_left = data_.size() - pos_;
    uint64_t declared_bytes = groups * static_cast<uint64_t>(bit_width_);
    uint64_t present_bytes = std::min(declared_bytes, bytes_left);
    packed_left_ = bit_width_ == 0 ? groups * 8 : present_bytes * 8 / static_cast<uint64_t>(bit_width_);
    packed_left_ = std::min(packed_left_, groups * 8);
    packed_bit_ = static_cast<uint64_t>(pos_) * 8;
    pos_ += present_bytes;
  } else {
    rle_left_ = header >> 1;
    size_t value_bytes = static_cast<size_t>(bit_width_ + 7) / 8;
    if (data_.size() - pos_ < value_bytes) {
      return MakeError(ErrorCode::kCorruption, fmt::format("RLE run value at byte {} is truncated", pos_));
    }
    uint32_t value = 0;
    std::memcpy(&value, data_.data() + pos_, value_bytes);
    pos_ += value_bytes;
    if (bit_width_ < 32 && (value >> bit_width_) != 0) {
      return MakeError(ErrorCode::kCorruption, fmt::format("RLE run value {} at byte {} exceeds bit width {}",
                                                           value, start, bit_width_));
    }
    rle_value_ = value;
  }
  return Status::Ok();
}

template <class T>
Status RleBitPackedDecoder::DecodeImpl(T* out, size_t count) {
  const uint64_t mask = bit_width_ == 32 ? 0xFFFFFFFFULL : (1ULL << bit_width_) - 1;
  const unsigned char* bytes = reinterpret_cast<const unsigned char*>(data_.data());
  size_t done = 0;
  while (done < count) {
    if (rle_left_ > 0) {
      size_t take = static_cast<size_t>(std::min<uint64_t>(rle_left_, count - done));
      std::fill(out + done, out + done + take, static_cast<T>(rle_value_));
      rle_left_ -= take;
      done += take;
    } else if (packed_left_ > 0) {
      size_t take = static_cast<size_t>(std::min<uint64_t>(packed_left_, count - done));
      for (size_t k = 0; k < take; ++k) {
        uint64_t byte_index = packed_bit_ >> 3;
        int shift = static_cast<int>(packed_bit_ & 7);
        // The value's bits lie within ceil((shift + width) / 8) <= 5 bytes, all present.
        size_t span = static_cast<size_t>(shift + bit_width_ + 7) / 8;
        uint64_t word = 0;
        std::memcpy(&word, bytes + byte_index, span);
        out[done + k] = static_cast<T>((word >> shift) & mask);
        packed_bit_ += static_cast<uint64_t>(bit_width_);
      }
      packed_left_ -= take;
      done += take;
    } else {
      JSM_RETURN_IF_ERROR(NextRun());
    }
  }
  return Status::Ok();
}

Status RleBitPackedDecoder::Decode(uint8_t* out, size_t count) {
  if (bit_width_ > 8) return MakeError(ErrorCode::kCorruption, "RLE bit width too large for levels");
  return DecodeImpl(out, count);
}

Status RleBitPackedDecoder::Decode(uint32_t* out, size_t count) { return DecodeImpl(out, count); }

}  // namespace jsm::parquet
