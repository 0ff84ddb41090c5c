#pragma once
/// The page checksum of the Parquet format (PageHeader.crc): the standard CRC-32
/// (polynomial 0x04C11DB7, as in gzip and zlib's crc32) of the page bytes that
/// follow the header, exactly as stored, i.e. after compression. Every page type
/// may carry it: data pages v1 and v2 and dictionary pages.

#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "parquet/page_header.h"

namespace jsm::parquet {

/// CRC-32 of `page_bytes` (the stored page after its header).
uint32_t PageChecksum(std::string_view page_bytes);

/// The value the Thrift i32 field `crc` stores for `checksum` (the same 32 bits).
int32_t PageChecksumField(uint32_t checksum);

/// Checks `stored` (the page bytes after `header`) against the header's crc; a
/// header without crc passes. A mismatch is kCorruption giving both values.
Status VerifyPageChecksum(const PageHeader& header, std::string_view stored);

}  // namespace jsm::parquet
