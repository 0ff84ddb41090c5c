#include "common/clock.h"
#include "model/order_parser.h"

namespace jsm::model {
namespace {

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }

constexpr bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

constexpr unsigned DaysInMonth(int year, unsigned month) {
  constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

/// Reads between `min_digits` and `max_digits` digits at `*pos`.
bool ReadNumber(std::string_view text, size_t* pos, size_t min_digits, size_t max_digits, unsigned* value) {
  size_t i = *pos;
  unsigned v = 0;
  while (i < text.size() && i - *pos < max_digits && IsDigit(text[i])) v = v * 10 + (text[i++] - '0');
  if (i - *pos < min_digits) return false;
  *pos = i;
  *value = v;
  return true;
}

bool Expect(std::string_view text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

bool MakeDays(unsigned year, unsigned month, unsigned day, int32_t* days) {
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > DaysInMonth(static_cast<int>(year), month)) {
    return false;
  }
  *days = DaysFromCivil(static_cast<int>(year), month, day);
  return true;
}

/// "HH:MM" at `pos`, then anything (seconds, fraction, zone); the date is taken as written.
bool IsTimeOfDay(std::string_view text, size_t pos) {
  unsigned hour, minute;
  return ReadNumber(text, &pos, 2, 2, &hour) && hour < 24 && Expect(text, &pos, ':') &&
         ReadNumber(text, &pos, 2, 2, &minute) && minute < 60;
}

}  // namespace

bool ParseOrderDate(std::string_view text, int32_t* days) {
  size_t pos = 0;
  unsigned a, b, c;
  if (!ReadNumber(text, &pos, 1, 4, &a)) return false;
  if (pos <= 2) {  // M/D/YYYY
    if (!Expect(text, &pos, '/') || !ReadNumber(text, &pos, 1, 2, &b) || !Expect(text, &pos, '/')) {
      return false;
    }
    if (!ReadNumber(text, &pos, 4, 4, &c) || pos != text.size()) return false;
    return MakeDays(c, a, b, days);
  }
  if (pos != 4) return false;  // YYYY-MM-DD[(T| )HH:MM...]
  if (!Expect(text, &pos, '-') || !ReadNumber(text, &pos, 2, 2, &b) || !Expect(text, &pos, '-') ||
      !ReadNumber(text, &pos, 2, 2, &c)) {
    return false;
  }
  if (pos != text.size()) {
    if (text[pos] != 'T' && text[pos] != ' ') return false;
    if (!IsTimeOfDay(text, pos + 1)) return false;
  }
  return MakeDays(a, b, c, days);
}

}  // namespace jsm::model
