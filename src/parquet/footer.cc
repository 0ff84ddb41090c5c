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
  std::string_view tail = bytes.substr(bytes.size() - 4);
  if (tail == kEncryptedMagic) {
    return MakeError(ErrorCode::kUnsupported, fmt::format("{}: encrypted footer (PARE)", file_name));
  }
  if (tail != kMagic) return Corrupt(file_name, bytes.size() - 4, "missing trailing PAR1 magic");
  uint32_t footer_size = LoadLe<uint32_t>(bytes.data() + bytes.size() - 8);
  if (footer_size > bytes.size() - 12) {
    return Corrupt(file_name, bytes.size() - 8,
                   fmt::format("footer length {} exceeds the file of {} bytes", footer_size, bytes.size()));
  }
  Footer footer;
  footer.start = bytes.size() - 8 - footer_size;
  Result<FileMetaData> metadata = ParseFileMetaData(bytes.substr(footer.start, footer_size), footer.start);
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
