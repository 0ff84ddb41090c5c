// Partition directories and partition columns (PROTOCOL.md, "Partition Value Serialization").

#include "delta/partition_values.h"

#include <cstdio>

#include "delta/value_text.h"

namespace jsm::delta {
namespace {

/// Spark's ExternalCatalogUtils.escapePathName: control characters and "#%'*/:=?\{[]^ escaped as %XX.
std::string EscapePathName(std::string_view text) {
  static constexpr std::string_view kSpecial = "\"#%'*/:=?\\\x7f{[]^";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || kSpecial.find(c) != std::string_view::npos) {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", byte);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string PartitionDirectory(const std::vector<std::string>& columns,
                               const std::map<std::string, std::string>& values) {
  std::string dir;
  for (const std::string& column : columns) {
    const auto it = values.find(column);
    dir += EscapePathName(column);
    dir += '=';
    dir += (it == values.end() || it->second.empty()) ? std::string(kNullPartitionDirectory) : EscapePathName(it->second);
    dir += '/';
  }
  return dir;
}

Result<Column> PartitionColumn(const Field& field, const std::string& text, size_t rows, std::string_view file) {
  Column column(field.type);
  column.Reserve(rows);
  if (text.empty()) {
    for (size_t i = 0; i < rows; ++i) column.AppendNull();
    return column;
  }
  auto value = ParseValueText(text, field);
  if (!value) {
    return MakeError(ErrorCode::kCorruption, "partition value of column '" + field.name + "' of data file " +
                                                 std::string(file) + ": " + value.error().message());
  }
  for (size_t i = 0; i < rows; ++i) AppendValue(*value, &column);
  return column;
}

}  // namespace jsm::delta
