#include "parquet/plain_encoding.h"

#include <fmt/format.h>

#include <cstring>

#include "common/check.h"
#include "parquet/little_endian.h"

namespace jsm::parquet {
namespace {

size_t CountValid(const uint8_t* validity, size_t begin, size_t end) {
  size_t count = 0;
  for (size_t r = begin; r < end; ++r) count += validity[r] != 0;
  return count;
}

std::unexpected<Error> TooShort(std::string_view what, size_t count, size_t size) {
  return MakeError(ErrorCode::kCorruption,
                   fmt::format("PLAIN data of {} bytes is too short for {} {} values", size, count, what));
}

/// PLAIN values of an 8-byte type: the memory itself when there is no null
/// (this is a little-endian host), else the valid values one by one.
template <class T>
void AppendFixedWidth(const T* values, const uint8_t* valid, size_t begin, size_t end, bool has_nulls, size_t count,
                      std::string* out) {
  if (!has_nulls) {
    out->append(reinterpret_cast<const char*>(values + begin), count * sizeof(T));
    return;
  }
  char* dst = GrowBy(out, count * sizeof(T));
  for (size_t r = begin; r < end; ++r) {
    if (!valid[r]) continue;
    StoreLe(dst, values[r]);
    dst += sizeof(T);
  }
}

}  // namespace

void AppendPlain(const Column& column, PhysicalType type, size_t begin, size_t end, bool has_nulls,
                 std::string* out) {
  const uint8_t* valid = column.validity().data();
  size_t count = has_nulls ? CountValid(valid, begin, end) : end - begin;
  switch (type) {
    case PhysicalType::kBoolean: {
      const int64_t* values = column.ints().data();
      char* dst = GrowBy(out, (count + 7) / 8);
      unsigned acc = 0;
      int bit = 0;
      for (size_t r = begin; r < end; ++r) {
        if (has_nulls && !valid[r]) continue;
        acc |= static_cast<unsigned>(values[r] != 0) << bit;
        if (++bit == 8) {
          *dst++ = static_cast<char>(acc);
          acc = 0;
          bit = 0;
        }
      }
      if (bit != 0) *dst = static_cast<char>(acc);
      return;
    }
    case PhysicalType::kInt32: {
      const int64_t* values = column.ints().data();
      char* dst = GrowBy(out, count * 4);
      for (size_t r = begin; r < end; ++r) {
        if (has_nulls && !valid[r]) continue;
        StoreLe(dst, static_cast<int32_t>(values[r]));
        dst += 4;
      }
      return;
    }
    case PhysicalType::kInt64:
      AppendFixedWidth(column.ints().data(), valid, begin, end, has_nulls, count, out);
      return;
    case PhysicalType::kDouble:
      AppendFixedWidth(column.doubles().data(), valid, begin, end, has_nulls, count, out);
      return;
    case PhysicalType::kByteArray: {
      const uint64_t* offsets = column.offsets().data();
      const char* chars = column.chars().data();
      // Null rows have empty spans, so the chars of the range are exactly the values' bytes.
      size_t bytes = (offsets[end] - offsets[begin]) + 4 * count;
      char* dst = GrowBy(out, bytes);
      for (size_t r = begin; r < end; ++r) {
        if (has_nulls && !valid[r]) continue;
        uint64_t length = offsets[r + 1] - offsets[r];
        StoreLe(dst, static_cast<uint32_t>(length));
        std::memcpy(dst + 4, chars + offsets[r], length);
        dst += 4 + length;
      }
      return;
    }
    default:
      JSM_CHECK(false && "AppendPlain: physical type not written by this codec");
  }
}

void AppendPlainByteArrays(std::span<const std::string_view> values, std::string* out) {
  size_t bytes = 0;
  for (std::string_view v : values) bytes += 4 + v.size();
  char* dst = GrowBy(out, bytes);
  for (std::string_view v : values) {
    StoreLe(dst, static_cast<uint32_t>(v.size()));
    std::memcpy(dst + 4, v.data(), v.size());
    dst += 4 + v.size();
  }
}

void AppendDecimalBigEndian(Int128 value, int width, std::string* out) {
  const unsigned __int128 bits = static_cast<unsigned __int128>(value);
  for (int i = width - 1; i >= 0; --i) out->push_back(static_cast<char>(static_cast<uint8_t>(bits >> (8 * i))));
}

void AppendPlainDecimal128(const Column& column, int width, size_t begin, size_t end, bool has_nulls,
                           std::string* out) {
  JSM_CHECK(width >= 1 && width <= 16);
  const uint8_t* valid = column.validity().data();
  const Int128* values = column.wides().data();
  out->reserve(out->size() + (end - begin) * static_cast<size_t>(width));
  for (size_t r = begin; r < end; ++r) {
    if (has_nulls && !valid[r]) continue;
    AppendDecimalBigEndian(values[r], width, out);
  }
}

Result<Int128> Decimal128FromBigEndian(std::string_view bytes) {
  if (bytes.empty() || bytes.size() > 16) {
    return MakeError(ErrorCode::kCorruption, fmt::format("decimal of {} bytes", bytes.size()));
  }
  const unsigned char* b = reinterpret_cast<const unsigned char*>(bytes.data());
  unsigned __int128 value = (b[0] & 0x80) ? ~static_cast<unsigned __int128>(0) : 0;  // sign extension
  for (size_t i = 0; i < bytes.size(); ++i) value = (value << 8) | b[i];
  return static_cast<Int128>(value);
}

Result<size_t> DecodePlainDecimal128(std::string_view data, int32_t type_length, size_t count, Int128* out) {
  if (type_length <= 0 || type_length > 16) {
    return MakeError(ErrorCode::kCorruption, fmt::format("decimal type_length {}", type_length));
  }
  const size_t width = static_cast<size_t>(type_length);
  if (count > data.size() / width) return TooShort("FIXED_LEN_BYTE_ARRAY", count, data.size());
  for (size_t i = 0; i < count; ++i) {
    JSM_ASSIGN_OR_RETURN(out[i], Decimal128FromBigEndian(data.substr(i * width, width)));
  }
  return count * width;
}

Result<int64_t> DecimalFromBigEndian(std::string_view bytes) {
  if (bytes.empty() || bytes.size() > 16) {
    return MakeError(ErrorCode::kCorruption, fmt::format("decimal of {} bytes", bytes.size()));
  }
  const unsigned char* b = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t n = bytes.size();
  size_t skip = n > 8 ? n - 8 : 0;
  // Bytes beyond the low eight must only repeat the sign of the int64 value.
  unsigned char sign_fill = (b[skip] & 0x80) ? 0xFF : 0x00;
  for (size_t i = 0; i < skip; ++i) {
    if (b[i] != sign_fill) return MakeError(ErrorCode::kCorruption, "decimal value does not fit in 64 bits");
  }
  uint64_t value = (b[skip] & 0x80) ? ~0ULL : 0;
  for (size_t i = skip; i < n; ++i) value = (value << 8) | b[i];
  return static_cast<int64_t>(value);
}

Result<size_t> DecodePlainInts(std::string_view data, PhysicalType type, int32_t type_length, size_t count,
                               int64_t* out) {
  if (count == 0) return size_t{0};
  const char* p = data.data();
  switch (type) {
    case PhysicalType::kBoolean: {
      size_t bytes = (count + 7) / 8;
      if (bytes > data.size()) return TooShort("BOOLEAN", count, data.size());
      for (size_t i = 0; i < count; ++i) out[i] = (static_cast<unsigned char>(p[i >> 3]) >> (i & 7)) & 1;
      return bytes;
    }
    case PhysicalType::kInt32: {
      if (count > data.size() / 4) return TooShort("INT32", count, data.size());
      for (size_t i = 0; i < count; ++i) out[i] = LoadLe<int32_t>(p + 4 * i);
      return count * 4;
    }
    case PhysicalType::kInt64: {
      if (count > data.size() / 8) return TooShort("INT64", count, data.size());
      std::memcpy(out, p, count * 8);
      return count * 8;
    }
    case PhysicalType::kFixedLenByteArray: {
      if (type_length <= 0 || type_length > 16) {
        return MakeError(ErrorCode::kCorruption, fmt::format("decimal type_length {}", type_length));
      }
      size_t width = static_cast<size_t>(type_length);
      if (count > data.size() / width) return TooShort("FIXED_LEN_BYTE_ARRAY", count, data.size());
      for (size_t i = 0; i < count; ++i) {
        JSM_ASSIGN_OR_RETURN(out[i], DecimalFromBigEndian(data.substr(i * width, width)));
      }
      return count * width;
    }
    default:
      return MakeError(ErrorCode::kUnsupported,
                       fmt::format("PLAIN integers of physical type {}", PhysicalTypeName(type)));
  }
}

Result<size_t> DecodePlainDoubles(std::string_view data, size_t count, double* out) {
  if (count == 0) return size_t{0};
  if (count > data.size() / 8) return TooShort("DOUBLE", count, data.size());
  std::memcpy(out, data.data(), count * 8);
  return count * 8;
}

Result<size_t> DecodePlainByteArrays(std::string_view data, size_t count, std::string_view* out) {
  size_t pos = 0;
  for (size_t i = 0; i < count; ++i) {
    if (data.size() - pos < 4) return TooShort("BYTE_ARRAY", count, data.size());
    uint32_t length = LoadLe<uint32_t>(data.data() + pos);
    pos += 4;
    if (length > data.size() - pos) {
      return MakeError(ErrorCode::kCorruption,
                       fmt::format("PLAIN byte array of {} bytes at byte {} runs past the end of {} bytes",
                                   length, pos - 4, data.size()));
    }
    out[i] = data.substr(pos, length);
    pos += length;
  }
  return pos;
}

}  // namespace jsm::parquet
