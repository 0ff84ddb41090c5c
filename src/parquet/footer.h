#pragma once
/// Locating and parsing the footer of a Parquet file held in memory: magic
/// bytes, footer length, FileMetaData, and the row counts checked against each other.

#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "parquet/metadata.h"

namespace jsm::parquet {

/// A parsed footer and the byte offset where it starts (the end of the pages).
struct Footer {
  FileMetaData metadata;
  uint64_t start = 0;
};

/// Reads the footer of `bytes`. Truncated or inconsistent input is kCorruption
/// naming `file_name` and the byte offset; encryption is kUnsupported.
Result<Footer> ReadFooter(std::string_view bytes, std::string_view file_name);

/// The footer length from the last 8 bytes of a file of `file_size` bytes (a ranged read's
/// first step): checks the trailing magic and that the footer fits in the file.
Result<uint32_t> FooterLength(std::string_view last8, uint64_t file_size, std::string_view file_name);

/// Parses the `footer_bytes` that start at byte `footer_start` of a file (the FileMetaData
/// without the trailing length and magic) and checks the row counts.
Result<Footer> ParseFooter(std::string_view footer_bytes, uint64_t footer_start, std::string_view file_name);

}  // namespace jsm::parquet
