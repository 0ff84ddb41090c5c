#include "pipeline/dlq_value_edit.h"

#include <simdjson.h>

#include "delta/json_writer.h"

namespace jsm::pipeline {
namespace {

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// True if `text` is one complete JSON value.
bool IsJson(std::string_view text, simdjson::dom::parser* parser) {
  simdjson::padded_string padded(text);
  simdjson::dom::element element;
  return parser->parse(padded).get(element) == simdjson::SUCCESS;
}

/// Index just past the JSON string starting at `pos` (a '"'), in valid JSON.
size_t SkipString(std::string_view json, size_t pos) {
  for (++pos; pos < json.size(); ++pos) {
    if (json[pos] == '\\')
      ++pos;
    else if (json[pos] == '"')
      return pos + 1;
  }
  return pos;
}

/// Index just past the JSON value starting at `pos`, in valid JSON.
size_t SkipValue(std::string_view json, size_t pos) {
  if (json[pos] == '"') return SkipString(json, pos);
  if (json[pos] == '{' || json[pos] == '[') {
    int depth = 0;
    while (pos < json.size()) {
      const char c = json[pos];
      if (c == '"') {
        pos = SkipString(json, pos);
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        if (--depth == 0) return pos + 1;
      }
      ++pos;
    }
    return pos;
  }
  while (pos < json.size() && json[pos] != ',' && json[pos] != '}' && json[pos] != ']' &&
         !IsJsonSpace(json[pos])) {
    ++pos;
  }
  return pos;
}

size_t SkipSpace(std::string_view json, size_t pos) {
  while (pos < json.size() && IsJsonSpace(json[pos])) ++pos;
  return pos;
}

}  // namespace

Result<FieldAssignment> ParseFieldAssignment(std::string_view text) {
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "--set '" + std::string(text) + "' is not FIELD=VALUE (e.g. Quantity=3)");
  }
  FieldAssignment assignment;
  assignment.field = std::string(text.substr(0, eq));
  const std::string_view value = text.substr(eq + 1);
  simdjson::dom::parser parser;
  if (!value.empty() && IsJson(value, &parser)) {
    assignment.json = std::string(value);
  } else {
    delta::AppendJsonString(value, &assignment.json);
  }
  return assignment;
}

Result<std::string> ApplyFieldAssignments(std::string_view value,
                                          const std::vector<FieldAssignment>& assignments) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(value);
  simdjson::dom::element root;
  if (const auto error = parser.parse(padded).get(root); error != simdjson::SUCCESS) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string("the value is not JSON (") + simdjson::error_message(error) + ")");
  }
  if (root.type() != simdjson::dom::element_type::OBJECT) {
    return MakeError(ErrorCode::kInvalidArgument, "the value is JSON but not an object");
  }
  // The input is valid JSON from here on, so a plain scan finds the top-level members.
  std::vector<bool> used(assignments.size(), false);
  std::string out;
  out.reserve(value.size() + 32);
  size_t pos = SkipSpace(value, 0);
  const size_t open = pos;
  out.append(value.substr(0, open + 1));
  pos = SkipSpace(value, open + 1);
  bool any_member = false;
  size_t copied = open + 1;  // bytes of `value` already in `out`
  while (pos < value.size() && value[pos] == '"') {
    any_member = true;
    const size_t key_end = SkipString(value, pos);
    const std::string_view raw_key = value.substr(pos + 1, key_end - pos - 2);
    size_t value_start = SkipSpace(value, key_end);
    value_start = SkipSpace(value, value_start + 1);  // past ':'
    const size_t value_end = SkipValue(value, value_start);
    for (size_t i = 0; i < assignments.size(); ++i) {
      if (assignments[i].field != raw_key) continue;
      out.append(value.substr(copied, value_start - copied));
      out.append(assignments[i].json);
      copied = value_end;
      used[i] = true;
      break;
    }
    pos = SkipSpace(value, value_end);
    if (pos < value.size() && value[pos] == ',') pos = SkipSpace(value, pos + 1);
  }
  // pos is at the closing '}'.
  out.append(value.substr(copied, pos - copied));
  for (size_t i = 0; i < assignments.size(); ++i) {
    if (used[i]) continue;
    bool later_duplicate = false;
    for (size_t j = i + 1; j < assignments.size(); ++j)
      later_duplicate |= assignments[j].field == assignments[i].field;
    if (later_duplicate) continue;  // the last --set of a field wins
    if (any_member) out.push_back(',');
    any_member = true;
    delta::AppendJsonString(assignments[i].field, &out);
    out.push_back(':');
    out.append(assignments[i].json);
  }
  out.append(value.substr(pos));
  return out;
}

std::string KeyTextOfJson(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element element;
  std::string_view text;
  if (parser.parse(padded).get(element) == simdjson::SUCCESS &&
      element.get_string().get(text) == simdjson::SUCCESS) {
    return std::string(text);
  }
  return std::string(json);
}

}  // namespace jsm::pipeline
