#include "model/json_number.h"

namespace jsm::model {
namespace {
constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }
}  // namespace

bool IsJsonNumber(std::string_view text) {
  size_t i = 0;
  const size_t n = text.size();
  if (i < n && text[i] == '-') ++i;
  if (i == n) return false;
  if (text[i] == '0') {
    ++i;
  } else if (IsDigit(text[i])) {
    while (i < n && IsDigit(text[i])) ++i;
  } else {
    return false;
  }
  if (i < n && text[i] == '.') {
    ++i;
    const size_t start = i;
    while (i < n && IsDigit(text[i])) ++i;
    if (i == start) return false;
  }
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
    const size_t start = i;
    while (i < n && IsDigit(text[i])) ++i;
    if (i == start) return false;
  }
  return i == n;
}

}  // namespace jsm::model
