#include "delta/log_line_check.h"

#include <string>

#include <simdjson.h>

#include "common/logging.h"
#include "delta/json_writer.h"

namespace jsm::delta {
namespace {

/// The first key of a line that looks like `{"add":...`, for the error message; "?" if none.
std::string ActionName(std::string_view line) {
  const size_t open = line.find('"');
  if (open == std::string_view::npos) return "?";
  const size_t close = line.find('"', open + 1);
  if (close == std::string_view::npos || close - open > 40) return "?";
  const std::string_view name = line.substr(open + 1, close - open - 1);
  if (!simdjson::validate_utf8(name.data(), name.size())) return "?";
  return std::string(name);
}

Status Refuse(std::string message) {
  // Loud: this is a bug of ours, never bad input, and the commit that hit it fails.
  std::string quoted;
  AppendJsonString(message, &quoted);
  Log().error(R"("refusing to write a Delta log line","error":{})", quoted);
  return MakeError(ErrorCode::kInternal, std::move(message));
}

}  // namespace

Status CheckLogText(std::string_view text, std::string_view table, int64_t version) {
  simdjson::dom::parser parser;
  size_t line_number = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_number;
    if (line.empty()) continue;
    const auto where = [&] {
      return "table " + std::string(table) + " version " + std::to_string(version) + " line " +
             std::to_string(line_number) + " (action '" + ActionName(line) + "')";
    };
    if (!simdjson::validate_utf8(line.data(), line.size())) {
      return Refuse("refusing to commit " + where() + ": the line is not valid UTF-8 (a bug: please report it)");
    }
    simdjson::dom::element root;
    if (auto error = parser.parse(line.data(), line.size()).get(root); error) {
      return Refuse("refusing to commit " + where() + ": the line does not parse back as JSON (" +
                    simdjson::error_message(error) + "; a bug: please report it)");
    }
    if (!root.is_object()) {
      return Refuse("refusing to commit " + where() + ": the line is not a JSON object (a bug: please report it)");
    }
  }
  return Status::Ok();
}

Status CheckLogString(std::string_view text, std::string_view what, bool json) {
  if (!simdjson::validate_utf8(text.data(), text.size())) {
    return Refuse("refusing to write " + std::string(what) + ": it is not valid UTF-8 (a bug: please report it)");
  }
  if (json) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (auto error = parser.parse(text.data(), text.size()).get(root); error) {
      return Refuse("refusing to write " + std::string(what) + ": it does not parse as JSON (" +
                    simdjson::error_message(error) + ")");
    }
  }
  return Status::Ok();
}

}  // namespace jsm::delta
