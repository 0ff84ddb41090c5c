#include "parquet/delta_encoding.h"

#include <fmt/format.h>

#include <algorithm>

namespace jsm::parquet {
namespace {

std::unexpected<Error> Corrupt(size_t pos, std::string_view what) {
  return MakeError(ErrorCode::kCorruption, fmt::format("DELTA encoding: {} at byte {}", what, pos));
}

/// Reads an unsigned LEB128 varint of at most 64 bits.
Status ReadUleb(std::string_view data, size_t* pos, uint64_t* out) {
  uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*pos >= data.size()) return Corrupt(*pos, "truncated varint");
    uint8_t byte = static_cast<uint8_t>(data[(*pos)++]);
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *out = value;
      return Status::Ok();
    }
  }
  return Corrupt(*pos, "varint longer than 10 bytes");
}

Status ReadZigZag(std::string_view data, size_t* pos, uint64_t* out) {
  uint64_t raw = 0;
  JSM_RETURN_IF_ERROR(ReadUleb(data, pos, &raw));
  *out = (raw >> 1) ^ (~(raw & 1) + 1);
  return Status::Ok();
}

/// Value `index` (bit_width bits, LSB first) of a bit-packed run starting at `base`.
uint64_t UnpackAt(const uint8_t* base, uint64_t index, int bit_width) {
  if (bit_width == 0) return 0;
  uint64_t bit = index * static_cast<uint64_t>(bit_width);
  uint64_t value = 0;
  int got = 0;
  while (got < bit_width) {
    uint64_t byte = base[bit / 8];
    int offset = static_cast<int>(bit % 8);
    int take = std::min(8 - offset, bit_width - got);
    value |= ((byte >> offset) & ((1ULL << take) - 1)) << got;
    got += take;
    bit += static_cast<uint64_t>(take);
  }
  return value;
}

}  // namespace

Result<size_t> DecodeDeltaBinaryPacked(std::string_view data, size_t count, bool int32, int64_t* out) {
  size_t pos = 0;
  uint64_t block_size = 0, miniblocks = 0, total = 0, first = 0;
  JSM_RETURN_IF_ERROR(ReadUleb(data, &pos, &block_size));
  JSM_RETURN_IF_ERROR(ReadUleb(data, &pos, &miniblocks));
  JSM_RETURN_IF_ERROR(ReadUleb(data, &pos, &total));
  JSM_RETURN_IF_ERROR(ReadZigZag(data, &pos, &first));
  if (block_size == 0 || block_size % 128 != 0 || block_size > (1u << 20)) {
    return Corrupt(0, fmt::format("block size {}", block_size));
  }
  if (miniblocks == 0 || block_size % miniblocks != 0 || (block_size / miniblocks) % 32 != 0) {
    return Corrupt(0, fmt::format("{} miniblocks in a block of {}", miniblocks, block_size));
  }
  if (total != count) return Corrupt(0, fmt::format("{} values where the page holds {}", total, count));
  // Each block takes at least its min delta and bit width bytes: bounds the values before the walk.
  if (total > 1 && (total - 1) / block_size + 1 > (data.size() - pos) / (miniblocks + 1)) {
    return Corrupt(pos, fmt::format("{} values cannot fit in {} bytes", total, data.size()));
  }
  const uint64_t per_miniblock = block_size / miniblocks;
  const uint64_t mask = int32 ? 0xffffffffULL : ~0ULL;
  auto store = [&](size_t i, uint64_t v) {
    out[i] = int32 ? static_cast<int64_t>(static_cast<int32_t>(static_cast<uint32_t>(v)))
                   : static_cast<int64_t>(v);
  };
  uint64_t value = first & mask;
  if (count == 0) return pos;
  store(0, value);
  uint64_t done = 1;  // values produced (the first comes from the header)
  // Walk every block the stream holds (to know where it ends), storing the first `count` values.
  while (done < total) {
    uint64_t min_delta = 0;
    JSM_RETURN_IF_ERROR(ReadZigZag(data, &pos, &min_delta));
    if (miniblocks > data.size() - std::min(pos, data.size())) return Corrupt(pos, "truncated bit widths");
    const uint8_t* widths = reinterpret_cast<const uint8_t*>(data.data() + pos);
    pos += miniblocks;
    for (uint64_t m = 0; m < miniblocks && done < total; ++m) {
      int width = widths[m];
      if (width > 64) return Corrupt(pos, fmt::format("miniblock bit width {}", width));
      uint64_t bytes = per_miniblock * static_cast<uint64_t>(width) / 8;
      if (bytes > data.size() - pos) return Corrupt(pos, "truncated miniblock");
      const uint8_t* base = reinterpret_cast<const uint8_t*>(data.data() + pos);
      uint64_t n = std::min<uint64_t>(per_miniblock, total - done);
      for (uint64_t k = 0; k < n; ++k, ++done) {
        uint64_t delta = UnpackAt(base, k, width);
        value = (value + min_delta + delta) & mask;
        store(done, value);
      }
      pos += bytes;
    }
  }
  return pos;
}

Result<size_t> DecodeDeltaLengthByteArray(std::string_view data, size_t count, std::string_view* out) {
  // Lengths: a DELTA_BINARY_PACKED stream; `count` is bounded by the caller against the page size.
  std::vector<int64_t> lengths(count);
  JSM_ASSIGN_OR_RETURN(size_t pos, DecodeDeltaBinaryPacked(data, count, true, lengths.data()));
  for (size_t i = 0; i < count; ++i) {
    if (lengths[i] < 0 || static_cast<uint64_t>(lengths[i]) > data.size() - pos) {
      return Corrupt(pos, fmt::format("byte array {} of length {} runs past the end", i, lengths[i]));
    }
    out[i] = data.substr(pos, static_cast<size_t>(lengths[i]));
    pos += static_cast<size_t>(lengths[i]);
  }
  return pos;
}

Status DecodeDeltaByteArray(std::string_view data, size_t count, std::string* buffer,
                            std::vector<std::string_view>* out) {
  std::vector<int64_t> prefixes(count);
  JSM_ASSIGN_OR_RETURN(size_t pos, DecodeDeltaBinaryPacked(data, count, true, prefixes.data()));
  std::vector<std::string_view> suffixes(count);
  JSM_RETURN_IF_ERROR(DecodeDeltaLengthByteArray(data.substr(pos), count, suffixes.data()));
  // First pass: sizes, so that the buffer never reallocates under the views.
  uint64_t total = 0, previous = 0;
  for (size_t i = 0; i < count; ++i) {
    if (prefixes[i] < 0 || static_cast<uint64_t>(prefixes[i]) > previous) {
      return Corrupt(pos, fmt::format("prefix length {} of value {} exceeds the previous value", prefixes[i], i));
    }
    previous = static_cast<uint64_t>(prefixes[i]) + suffixes[i].size();
    total += previous;
    if (total > (uint64_t{1} << 34)) return Corrupt(pos, "values expand beyond 16 GiB");
  }
  buffer->clear();
  buffer->reserve(static_cast<size_t>(total));
  out->resize(count);
  size_t previous_start = 0;
  for (size_t i = 0; i < count; ++i) {
    size_t start = buffer->size();
    // Capacity is reserved, so appending from the buffer itself never reallocates.
    buffer->append(buffer->data() + previous_start, static_cast<size_t>(prefixes[i]));
    buffer->append(suffixes[i]);
    previous_start = start;
  }
  size_t offset = 0;
  for (size_t i = 0; i < count; ++i) {
    size_t size = static_cast<size_t>(prefixes[i]) + suffixes[i].size();
    (*out)[i] = std::string_view(buffer->data() + offset, size);
    offset += size;
  }
  return Status::Ok();
}

}  // namespace jsm::parquet
