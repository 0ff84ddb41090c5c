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

}  // namespace jsm::parquet
