#include "common/log_text.h"

namespace jsm {
namespace {

/// Length of the JSON string starting at text[0] == '"', closing quote included; 0 if it does not close.
size_t StringLength(std::string_view text) {
  for (size_t i = 1; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      return i + 1;
    }
  }
  return 0;
}

/// Length of the JSON value at the start of `text`: up to the first ',' outside strings and
/// brackets, or the end.
size_t ValueLength(std::string_view text) {
  int depth = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      const size_t length = StringLength(text.substr(i));
      if (length == 0) return text.size();
      i += length - 1;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    } else if (c == ',' && depth <= 0) {
      return i;
    }
  }
  return text.size();
}

}  // namespace

void AppendLogText(std::string_view message, std::string* out) {
  const size_t head = message.starts_with('"') ? StringLength(message) : 0;
  if (head == 0) {
    out->append(message);
    return;
  }
  const std::string_view text = message.substr(1, head - 2);
  // Unquoted only when nothing in it is escaped: what is escaped stays as JSON wrote it.
  if (text.find('\\') == std::string_view::npos) {
    out->append(text);
  } else {
    out->append(message.substr(0, head));
  }
  std::string_view rest = message.substr(head);
  while (rest.size() > 1 && rest[0] == ',' && rest[1] == '"') {
    const size_t key = StringLength(rest.substr(1));
    if (key == 0 || rest.size() < 1 + key + 1 || rest[1 + key] != ':') break;
    const std::string_view name = rest.substr(2, key - 2);
    std::string_view value = rest.substr(1 + key + 1);
    value = value.substr(0, ValueLength(value));
    out->push_back(' ');
    if (name.find('\\') == std::string_view::npos) {
      out->append(name);
    } else {
      out->append(rest.substr(1, key));
    }
    out->push_back('=');
    out->append(value);
    rest.remove_prefix(1 + key + 1 + value.size());
  }
  out->append(rest);
}

}  // namespace jsm
