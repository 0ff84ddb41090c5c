#pragma once
/// Small ASCII text normalizations used when an order event is normalized:
/// trimming, collapsing inner whitespace, upper-casing. Each returns a view of
/// the input when nothing needs to change, and only writes to `scratch` otherwise.

#include <string>
#include <string_view>

namespace jsm::model {

/// True for the ASCII whitespace characters: space, \t, \n, \v, \f, \r.
constexpr bool IsAsciiWhitespace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/// `text` without leading and trailing ASCII whitespace.
inline std::string_view TrimAsciiWhitespace(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && IsAsciiWhitespace(text[begin])) ++begin;
  while (end > begin && IsAsciiWhitespace(text[end - 1])) --end;
  return text.substr(begin, end - begin);
}

/// `text` trimmed, with each run of inner ASCII whitespace replaced by one space.
/// Returns a view of `text` when it is already in that form, else of `*scratch`.
std::string_view CollapseWhitespace(std::string_view text, std::string* scratch);

/// `text` with ASCII a-z upper-cased. Returns a view of `text` when it has no
/// lower-case letter, else of `*scratch`.
std::string_view UpperAscii(std::string_view text, std::string* scratch);

}  // namespace jsm::model
