#include "serve/request_target.h"

namespace jsm::serve {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Percent-decodes `text` into `out` ('+' is a space when `plus_is_space`, as in query strings).
Status Decode(std::string_view text, bool plus_is_space, std::string* out) {
  out->clear();
  out->reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size() || HexValue(text[i + 1]) < 0 || HexValue(text[i + 2]) < 0) {
        return MakeError(ErrorCode::kInvalidArgument, "a '%' in the request target is not followed by two hex digits");
      }
      c = static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    if (c == '\0') return MakeError(ErrorCode::kInvalidArgument, "the request target holds a NUL byte");
    out->push_back(c);
  }
  return Status::Ok();
}

}  // namespace

Result<RequestTarget> ParseRequestTarget(std::string_view target) {
  if (!target.starts_with('/')) {
    return MakeError(ErrorCode::kInvalidArgument, "the request target must start with '/'");
  }
  if (const size_t hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
  RequestTarget parsed;
  const size_t question = target.find('?');
  JSM_RETURN_IF_ERROR(Decode(target.substr(0, question), /*plus_is_space=*/false, &parsed.path));
  if (question == std::string_view::npos) return parsed;
  std::string_view query = target.substr(question + 1);
  std::string name, value;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t equals = pair.find('=');
    JSM_RETURN_IF_ERROR(Decode(pair.substr(0, equals), true, &name));
    JSM_RETURN_IF_ERROR(
        Decode(equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1), true, &value));
    parsed.params.emplace(name, value);
  }
  return parsed;
}

}  // namespace jsm::serve
