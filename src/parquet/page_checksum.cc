#include "parquet/page_checksum.h"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <limits>

namespace jsm::parquet {

uint32_t PageChecksum(std::string_view page_bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes lengths as uInt; a page is at most 2 GiB, but do not rely on it.
  constexpr size_t kStep = std::numeric_limits<uInt>::max() / 2;
  while (!page_bytes.empty()) {
    const size_t n = std::min(page_bytes.size(), kStep);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(page_bytes.data()), static_cast<uInt>(n));
    page_bytes.remove_prefix(n);
  }
  return static_cast<uint32_t>(crc);
}

int32_t PageChecksumField(uint32_t checksum) { return std::bit_cast<int32_t>(checksum); }

Status VerifyPageChecksum(const PageHeader& header, std::string_view stored) {
  if (!header.crc) return Status::Ok();
  const uint32_t expected = std::bit_cast<uint32_t>(*header.crc);
  const uint32_t actual = PageChecksum(stored);
  if (actual == expected) return Status::Ok();
  return MakeError(ErrorCode::kCorruption,
                   fmt::format("page checksum mismatch: the header says CRC-32 {:08x}, the {} page bytes give {:08x}",
                               expected, stored.size(), actual));
}

}  // namespace jsm::parquet
