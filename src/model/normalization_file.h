#pragma once
/// Reading the text of a normalization data file (config/normalization/*): lines,
/// '#' comments, blank lines, an optional CSV header, comma-separated fields,
/// and errors that name FILE:LINE. Used only at start, never on the hot path.

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace jsm::model {

/// One data line of a normalization file: its 1-based line number and its fields
/// (trimmed of ASCII whitespace; views into the file's text).
struct DataLine {
  int line = 0;
  std::vector<std::string_view> fields;
};

/// Splits `text` (the whole file, named `source` in errors) into data lines.
/// Skips blank lines and lines whose first non-blank character is '#'. When
/// `header` is not empty, the first data line must be exactly that header (e.g.
/// "alias,name,code") and is not returned. Each line is split on commas into
/// `columns` fields, the last one taking the rest of the line (so it may hold
/// commas); fewer fields is an error naming the line. `columns` = 1 keeps whole lines.
Result<std::vector<DataLine>> SplitDataLines(std::string_view source, std::string_view text,
                                             std::string_view header, size_t columns);

/// The error "SOURCE:LINE: MESSAGE" (kInvalidArgument).
Error DataLineError(std::string_view source, int line, std::string_view message);

/// Reads a whole file into `*text`; kNotFound / kIoError name the path.
Status ReadDataFile(const std::string& path, std::string* text);

}  // namespace jsm::model
