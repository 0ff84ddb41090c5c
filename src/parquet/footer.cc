#include "parquet/footer.h"

#include <fmt/format.h>

#include <limits>

#include "parquet/little_endian.h"

namespace jsm::parquet {
namespace {

constexpr std::string_view kMagic = "PAR1";
constexpr std::string_view kEncryptedMagic = "PARE";

std::unexpected<Error> Corrupt(std::string_view file_name, uint64_t offset, std::string_view what) {
  return MakeError(ErrorCode::kCorruption, fmt::format("{}: {} at byte offset {}", file_name, what, offset));
}

std::unexpected<Error> InFile(std::string_view file_name, const Error& error) {
  return std::unexpected(error.WithContext(file_name));
}

}  // namespace

Result<Footer> ReadFooter(std::string_view bytes, std::string_view file_name) {
  if (bytes.size() < 12) {
    return Corrupt(file_name, 0, fmt::format("file of {} bytes is too short for Parquet", bytes.size()));
  }
  if (bytes.substr(0, 4) != kMagic) return Corrupt(file_name, 0, "missing PAR1 magic");
  JSM_ASSIGN_OR_RETURN(const uint32_t footer_size, FooterLength(bytes.substr(bytes.size() - 8), bytes.size(), file_name));
  const uint64_t start = bytes.size() - 8 - footer_size;
  return ParseFooter(bytes.substr(start, footer_size), start, file_name);
}

Result<uint32_t> FooterLength(std::string_view last8, uint64_t file_size, std::string_view file_name) {
  if (file_size < 12 || last8.size() != 8) {
    return Corrupt(file_name, 0, fmt::format("file of {} bytes is too short for Parquet", file_size));
  }
  std::string_view tail = last8.substr(4);
  if (tail == kEncryptedMagic) {
    return MakeError(ErrorCode::kUnsupported, fmt::format("{}: encrypted footer (PARE)", file_name));
  }
  if (tail != kMagic) return Corrupt(file_name, file_size - 4, "missing trailing PAR1 magic");
  const uint32_t footer_size = LoadLe<uint32_t>(last8.data());
  if (footer_size > file_size - 12) {
    return Corrupt(file_name, file_size - 8,
                   fmt::format("footer length {} exceeds the file of {} bytes", footer_size, file_size));
  }
  return footer_size;
}

Result<Footer> ParseFooter(std::string_view footer_bytes, uint64_t footer_start, std::string_view file_name) {
  Footer footer;
  footer.start = footer_start;
  Result<FileMetaData> metadata = ParseFileMetaData(footer_bytes, footer.start);
  if (!metadata) return InFile(file_name, metadata.error());
  footer.metadata = std::move(*metadata);
  if (footer.metadata.encrypted) {
    return MakeError(ErrorCode::kUnsupported, fmt::format("{}: encrypted columns", file_name));
  }
  const FileMetaData& m = footer.metadata;
  if (m.num_rows < 0)
    return Corrupt(file_name, footer.start, fmt::format("negative num_rows {}", m.num_rows));
  int64_t rows = 0;
  for (const RowGroup& group : m.row_groups) {
    if (group.num_rows < 0 || group.num_rows > std::numeric_limits<int64_t>::max() - rows) {
      return Corrupt(file_name, footer.start, fmt::format("row group of {} rows", group.num_rows));
    }
    rows += group.num_rows;
  }
  if (rows != m.num_rows) {
    return Corrupt(file_name, footer.start,
                   fmt::format("row groups hold {} rows but the footer says {}", rows, m.num_rows));
  }
  return footer;
}

}  // namespace jsm::parquet
