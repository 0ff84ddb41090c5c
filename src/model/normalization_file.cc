#include "model/normalization_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "model/normalize_text.h"

namespace jsm::model {

Error DataLineError(std::string_view source, int line, std::string_view message) {
  return Error(ErrorCode::kInvalidArgument,
               std::string(source) + ":" + std::to_string(line) + ": " + std::string(message));
}

Result<std::vector<DataLine>> SplitDataLines(std::string_view source, std::string_view text,
                                             std::string_view header, size_t columns) {
  std::vector<DataLine> lines;
  bool header_seen = header.empty();
  int number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view raw = TrimAsciiWhitespace(text.substr(pos, end - pos));
    pos = end + 1;
    ++number;
    if (raw.empty() || raw[0] == '#') continue;
    if (!header_seen) {
      // Compare without the blanks around commas.
      std::string normalized;
      for (char c : raw) {
        if (!IsAsciiWhitespace(c)) normalized.push_back(c);
      }
      if (normalized != header) {
        return std::unexpected(DataLineError(source, number, "expected the header '" + std::string(header) +
                                                                 "', got '" + std::string(raw) + "'"));
      }
      header_seen = true;
      continue;
    }
    DataLine line;
    line.line = number;
    std::string_view rest = raw;
    for (size_t i = 0; i + 1 < columns; ++i) {
      const size_t comma = rest.find(',');
      if (comma == std::string_view::npos) {
        return std::unexpected(DataLineError(source, number, "expected " + std::to_string(columns) +
                                                                 " comma-separated fields (" +
                                                                 std::string(header) + "), got " +
                                                                 std::to_string(i + 1)));
      }
      line.fields.push_back(TrimAsciiWhitespace(rest.substr(0, comma)));
      rest = rest.substr(comma + 1);
    }
    line.fields.push_back(TrimAsciiWhitespace(rest));
    lines.push_back(std::move(line));
  }
  if (!header_seen) {
    return std::unexpected(DataLineError(source, number, "the header '" + std::string(header) + "' is missing"));
  }
  return lines;
}

Status ReadDataFile(const std::string& path, std::string* text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error = errno;
    return MakeError(error == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIoError,
                     "cannot read normalization file " + path + ": " + std::strerror(error));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return MakeError(ErrorCode::kIoError, "cannot read normalization file " + path);
  *text = std::move(buffer).str();
  return Status::Ok();
}

}  // namespace jsm::model
