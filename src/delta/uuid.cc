#include "delta/uuid.h"

#include <cstdint>
#include <random>

namespace jsm::delta {

std::string NewUuidV4() {
  // Straight from the operating system's entropy source on every call, so forked
  // processes and concurrent writers never share a sequence.
  thread_local std::random_device device;
  uint8_t bytes[16];
  for (int i = 0; i < 16; i += 4) {
    const uint32_t word = device();
    for (int j = 0; j < 4; ++j) bytes[i + j] = static_cast<uint8_t>(word >> (8 * j));
  }
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0F) | 0x40);  // version 4
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0xF]);
  }
  return out;
}

}  // namespace jsm::delta
