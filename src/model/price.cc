#include <cstdint>
#include <limits>

#include "model/order_parser.h"

namespace jsm::model {
namespace {

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Exponents beyond this are saturated: they already overflow or round to zero.
constexpr int64_t kExponentLimit = 100000;

}  // namespace

// Grammar: [+-] digits [. digits] [(e|E) [+-] digits], at least one mantissa digit
// ("5." and ".5" are accepted). The value is computed from the decimal digits,
// never through floating point: cents = mantissa * 10^(exponent - fraction + 2),
// rounded half away from zero on the first dropped digit.
bool ParsePriceCents(std::string_view text, int64_t* cents) {
  // Fast path for the usual shape: up to 15 integer digits, '.', two decimals.
  const size_t size = text.size();
  if (size >= 4 && size <= 18 && text[size - 3] == '.' && IsDigit(text[size - 2]) &&
      IsDigit(text[size - 1])) {
    int64_t value = 0;
    size_t k = 0;
    for (; k + 3 < text.size() && IsDigit(text[k]); ++k) value = value * 10 + (text[k] - '0');
    if (k + 3 == text.size()) {
      *cents = value * 100 + (text[k + 1] - '0') * 10 + (text[k + 2] - '0');
      return true;
    }
  }
  const size_t n = text.size();
  size_t i = 0;
  bool negative = false;
  if (i < n && (text[i] == '-' || text[i] == '+')) {
    negative = text[i] == '-';
    ++i;
  }
  const size_t int_begin = i;
  while (i < n && IsDigit(text[i])) ++i;
  const size_t int_end = i;
  size_t frac_begin = i;
  size_t frac_end = i;
  if (i < n && text[i] == '.') {
    ++i;
    frac_begin = i;
    while (i < n && IsDigit(text[i])) ++i;
    frac_end = i;
  }
  const int64_t int_digits = static_cast<int64_t>(int_end - int_begin);
  const int64_t frac_digits = static_cast<int64_t>(frac_end - frac_begin);
  if (int_digits + frac_digits == 0) return false;
  int64_t exponent = 0;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exponent_negative = false;
    if (i < n && (text[i] == '-' || text[i] == '+')) {
      exponent_negative = text[i] == '-';
      ++i;
    }
    const size_t exp_begin = i;
    while (i < n && IsDigit(text[i])) {
      if (exponent < kExponentLimit) exponent = exponent * 10 + (text[i] - '0');
      ++i;
    }
    if (i == exp_begin) return false;
    if (exponent_negative) exponent = -exponent;
  }
  if (i != n) return false;

  const int64_t total = int_digits + frac_digits;
  auto digit = [&](int64_t k) -> int {
    return k < int_digits ? text[int_begin + k] - '0' : text[frac_begin + (k - int_digits)] - '0';
  };
  // Digit k has weight 10^(total - 1 - k + scale) in cents.
  const int64_t scale = exponent - frac_digits + 2;
  const int64_t last_kept = total - 1 + scale;  // last digit with weight >= 10^0
  uint64_t value = 0;
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  for (int64_t k = 0; k < total && k <= last_kept; ++k) {
    if (__builtin_mul_overflow(value, 10u, &value) || __builtin_add_overflow(value, digit(k), &value) ||
        value > kMax) {
      return false;
    }
  }
  if (value != 0) {
    for (int64_t s = scale; s > 0; --s) {
      if (__builtin_mul_overflow(value, 10u, &value) || value > kMax) return false;
    }
  }
  const int64_t round_position = total + scale;  // first dropped digit, weight 10^-1
  if (round_position >= 0 && round_position < total && digit(round_position) >= 5) {
    if (++value > kMax) return false;
  }
  *cents = negative ? -static_cast<int64_t>(value) : static_cast<int64_t>(value);
  return true;
}

}  // namespace jsm::model
