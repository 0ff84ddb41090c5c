#pragma once
/// Little-endian loads and stores of fixed-width values: Parquet stores every
/// fixed-width number little-endian, and so does every host we build for.

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>

namespace jsm::parquet {

static_assert(std::endian::native == std::endian::little, "the Parquet codec assumes a little-endian host");

/// Reads a T stored little-endian at `data` (no alignment needed).
template <class T>
inline T LoadLe(const void* data) {
  T value;
  std::memcpy(&value, data, sizeof(T));
  return value;
}

/// Writes `value` little-endian at `data` (no alignment needed).
template <class T>
inline void StoreLe(void* data, T value) {
  std::memcpy(data, &value, sizeof(T));
}

/// Appends `value` little-endian to `out`.
template <class T>
inline void AppendLe(std::string* out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out->append(bytes, sizeof(T));
}

/// Grows `out` by `extra` bytes and returns a pointer to the first new byte, for
/// the caller to fill. (Zero-filled: GCC 12's std::string::resize_and_overwrite
/// miscounts the size when it reallocates, so it is not used.)
inline char* GrowBy(std::string* out, size_t extra) {
  size_t old_size = out->size();
  out->resize(old_size + extra);
  return out->data() + old_size;
}

}  // namespace jsm::parquet
