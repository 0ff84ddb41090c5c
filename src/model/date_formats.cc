#include "model/date_formats.h"

#include "common/clock.h"
#include "model/normalization_file.h"

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

}  // namespace

Result<DateFormats::Format> DateFormats::Compile(std::string_view pattern) {
  Format format;
  int years = 0, months = 0, days = 0;
  size_t i = 0;
  while (i < pattern.size()) {
    const char c = pattern[i];
    // A run of one letter is one token: "MMM" or "YY" is unknown, not two tokens.
    size_t run = 1;
    const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    if (letter) {
      while (i + run < pattern.size() && pattern[i + run] == c) ++run;
    }
    const std::string_view token = pattern.substr(i, run);
    if (token == "YYYY") {
      format.steps.push_back({Op::kYear, 0});
      ++years;
    } else if (token == "MM" || token == "M") {
      format.steps.push_back({run == 2 ? Op::kMonth2 : Op::kMonth12, 0});
      ++months;
    } else if (token == "DD" || token == "D") {
      format.steps.push_back({run == 2 ? Op::kDay2 : Op::kDay12, 0});
      ++days;
    } else if (token == "hh") {
      format.steps.push_back({Op::kHour, 0});
    } else if (token == "mm") {
      format.steps.push_back({Op::kMinute, 0});
    } else if (token == "ss") {
      format.steps.push_back({Op::kSecond, 0});
    } else if (c == '*') {
      if (i + 1 != pattern.size()) return MakeError(ErrorCode::kInvalidArgument, "'*' must end the format");
      format.steps.push_back({Op::kRest, 0});
    } else if (letter && token != "T") {
      return MakeError(ErrorCode::kInvalidArgument,
                       "unknown date-format token '" + std::string(token) +
                           "' (tokens: YYYY MM M DD D hh mm ss *, and T as a literal)");
    } else {
      format.steps.push_back({Op::kLiteral, c});
    }
    i += run;
  }
  if (years != 1 || months != 1 || days != 1) {
    return MakeError(ErrorCode::kInvalidArgument, "a format needs exactly one YYYY, one month (M or MM) and one "
                                                  "day (D or DD)");
  }
  return format;
}

Result<DateFormats> DateFormats::Parse(std::string_view source, std::string_view text) {
  JSM_ASSIGN_OR_RETURN(std::vector<DataLine> lines, SplitDataLines(source, text, {}, 1));
  DateFormats formats;
  for (const DataLine& line : lines) {
    auto format = Compile(line.fields[0]);
    if (!format) return std::unexpected(DataLineError(source, line.line, format.error().message()));
    formats.formats_.push_back(std::move(*format));
  }
  if (formats.formats_.empty()) {
    return std::unexpected(DataLineError(source, 1, "no date format: at least one is needed"));
  }
  return formats;
}

Result<DateFormats> DateFormats::FromPatterns(const std::vector<std::string>& patterns) {
  DateFormats formats;
  for (const std::string& pattern : patterns) {
    JSM_ASSIGN_OR_RETURN(Format format, Compile(pattern));
    formats.formats_.push_back(std::move(format));
  }
  return formats;
}

bool DateFormats::Match(const Format& format, std::string_view text, int32_t* days) {
  size_t pos = 0;
  unsigned year = 0, month = 0, day = 0, value = 0;
  for (const Step& step : format.steps) {
    switch (step.op) {
      case Op::kYear:
        if (!ReadNumber(text, &pos, 4, 4, &year)) return false;
        break;
      case Op::kMonth2:
        if (!ReadNumber(text, &pos, 2, 2, &month)) return false;
        break;
      case Op::kMonth12:
        if (!ReadNumber(text, &pos, 1, 2, &month)) return false;
        break;
      case Op::kDay2:
        if (!ReadNumber(text, &pos, 2, 2, &day)) return false;
        break;
      case Op::kDay12:
        if (!ReadNumber(text, &pos, 1, 2, &day)) return false;
        break;
      case Op::kHour:
        if (!ReadNumber(text, &pos, 2, 2, &value) || value > 23) return false;
        break;
      case Op::kMinute:
      case Op::kSecond:
        if (!ReadNumber(text, &pos, 2, 2, &value) || value > 59) return false;
        break;
      case Op::kLiteral:
        if (pos >= text.size() || text[pos] != step.literal) return false;
        ++pos;
        break;
      case Op::kRest:
        pos = text.size();
        break;
    }
  }
  if (pos != text.size()) return false;
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > DaysInMonth(static_cast<int>(year), month)) {
    return false;
  }
  *days = DaysFromCivil(static_cast<int>(year), month, day);
  return true;
}

bool DateFormats::ToDays(std::string_view text, int32_t* days) const {
  for (const Format& format : formats_) {
    if (Match(format, text, days)) return true;
  }
  return false;
}

}  // namespace jsm::model
