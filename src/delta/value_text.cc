// Text forms of typed values, as the Delta log writes partition values and stats.

#include "delta/value_text.h"

#include <charconv>
#include <cstdio>
#include <string>

#include "common/clock.h"
#include "storage/base64.h"

namespace jsm::delta {
namespace {

Result<int64_t> ParseInt(std::string_view text, std::string_view what) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) {
    return MakeError(ErrorCode::kInvalidArgument, "'" + std::string(text) + "' is not " + std::string(what));
  }
  return value;
}

Result<int32_t> ParseDate(std::string_view text) {
  int year = 0;
  unsigned month = 0, day = 0;
  if (text.size() < 10 || std::sscanf(std::string(text.substr(0, 10)).c_str(), "%d-%u-%u", &year, &month, &day) != 3 ||
      month < 1 || month > 12 || day < 1 || day > 31) {
    return MakeError(ErrorCode::kInvalidArgument, "'" + std::string(text) + "' is not a date (YYYY-MM-DD)");
  }
  return DaysFromCivil(year, month, day);
}

Result<int64_t> ParseTimestamp(std::string_view text) {
  JSM_ASSIGN_OR_RETURN(const int32_t days, ParseDate(text));
  int64_t micros = static_cast<int64_t>(days) * 86'400'000'000LL;
  if (text.size() == 10) return micros;
  unsigned hour = 0, minute = 0, second = 0;
  if (text.size() < 19 || (text[10] != ' ' && text[10] != 'T') ||
      std::sscanf(std::string(text.substr(11, 8)).c_str(), "%u:%u:%u", &hour, &minute, &second) != 3) {
    return MakeError(ErrorCode::kInvalidArgument, "'" + std::string(text) + "' is not a timestamp");
  }
  micros += (static_cast<int64_t>(hour) * 3600 + minute * 60 + second) * 1'000'000LL;
  std::string_view rest = text.substr(19);
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    int64_t fraction = 0;
    int digits = 0;
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
      if (digits < 6) fraction = fraction * 10 + (rest.front() - '0'), ++digits;
      rest.remove_prefix(1);
    }
    while (digits < 6) fraction *= 10, ++digits;
    micros += fraction;
  }
  if (!rest.empty() && rest != "Z" && rest != "+00:00" && rest != "+0000") {
    return MakeError(ErrorCode::kInvalidArgument,
                     "timestamp '" + std::string(text) + "' has a time zone other than UTC; only UTC is supported");
  }
  return micros;
}

/// "123.45" at `scale` as an unscaled 128-bit integer of at most `precision` digits.
Result<Int128> ParseDecimal128(std::string_view text, int precision, int scale) {
  const std::string original(text);
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  const size_t dot = text.find('.');
  std::string digits(text.substr(0, dot));
  std::string fraction = dot == std::string_view::npos ? "" : std::string(text.substr(dot + 1));
  if (fraction.size() > static_cast<size_t>(scale)) {
    if (fraction.find_first_not_of('0', static_cast<size_t>(scale)) != std::string::npos) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "'" + original + "' has more than " + std::to_string(scale) + " decimal places");
    }
    fraction.resize(static_cast<size_t>(scale));
  }
  fraction.append(static_cast<size_t>(scale) - fraction.size(), '0');
  const std::string all = digits + fraction;
  if (all.empty()) return MakeError(ErrorCode::kInvalidArgument, "'" + original + "' is not a decimal number");
  const Int128 limit = PowerOfTen128(precision);
  Int128 unscaled = 0;
  for (char c : all) {
    if (c < '0' || c > '9') return MakeError(ErrorCode::kInvalidArgument, "'" + original + "' is not a decimal number");
    unscaled = unscaled * 10 + (c - '0');
    if (unscaled >= limit) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "'" + original + "' has more than " + std::to_string(precision) + " digits");
    }
  }
  return negative ? -unscaled : unscaled;
}

Result<int64_t> ParseDecimal(std::string_view text, int scale) {
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  const size_t dot = text.find('.');
  std::string digits(text.substr(0, dot));
  std::string fraction = dot == std::string_view::npos ? "" : std::string(text.substr(dot + 1));
  if (fraction.size() > static_cast<size_t>(scale)) {
    // Extra digits must be zeros ("12.3400" at scale 2); otherwise the value is not representable.
    if (fraction.find_first_not_of('0', static_cast<size_t>(scale)) != std::string::npos) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "'" + std::string(text) + "' has more than " + std::to_string(scale) + " decimal places");
    }
    fraction.resize(static_cast<size_t>(scale));
  }
  fraction.append(static_cast<size_t>(scale) - fraction.size(), '0');
  JSM_ASSIGN_OR_RETURN(const int64_t unscaled, ParseInt(digits + fraction, "a decimal number"));
  return negative ? -unscaled : unscaled;
}


}  // namespace

std::string FormatUnscaled(int64_t unscaled, int scale) {
  const bool negative = unscaled < 0;
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(unscaled) : static_cast<uint64_t>(unscaled);
  std::string digits = std::to_string(magnitude);
  if (scale > 0) {
    if (digits.size() <= static_cast<size_t>(scale)) digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
    digits.insert(digits.size() - static_cast<size_t>(scale), 1, '.');
  }
  return negative ? "-" + digits : digits;
}

Result<Value> ParseValueText(std::string_view text, const Field& field) {
  switch (field.type) {
    case DataType::kString:
      return Value(std::string(text));
    case DataType::kBoolean:
      if (text == "true" || text == "TRUE" || text == "True") return Value(int64_t{1});
      if (text == "false" || text == "FALSE" || text == "False") return Value(int64_t{0});
      return MakeError(ErrorCode::kInvalidArgument, "'" + std::string(text) + "' is not a boolean");
    case DataType::kInt32:
    case DataType::kInt64: {
      JSM_ASSIGN_OR_RETURN(const int64_t v, ParseInt(text, "an integer"));
      return Value(v);
    }
    case DataType::kDouble: {
      double v = 0;
      const char* end = text.data() + text.size();
      auto [ptr, ec] = std::from_chars(text.data(), end, v);
      if (ec != std::errc() || ptr != end) {
        return MakeError(ErrorCode::kInvalidArgument, "'" + std::string(text) + "' is not a number");
      }
      return Value(v);
    }
    case DataType::kDate: {
      JSM_ASSIGN_OR_RETURN(const int32_t days, ParseDate(text));
      return Value(static_cast<int64_t>(days));
    }
    case DataType::kTimestamp: {
      JSM_ASSIGN_OR_RETURN(const int64_t micros, ParseTimestamp(text));
      return Value(micros);
    }
    case DataType::kDecimal: {
      JSM_ASSIGN_OR_RETURN(const int64_t unscaled, ParseDecimal(text, field.scale));
      return Value(unscaled);
    }
    case DataType::kDecimal128: {
      JSM_ASSIGN_OR_RETURN(const Int128 unscaled, ParseDecimal128(text, field.precision, field.scale));
      return Value(unscaled);
    }
    case DataType::kBinary: {
      auto bytes = storage::Base64Decode(text);
      if (!bytes) return MakeError(ErrorCode::kInvalidArgument, "'" + std::string(text) + "' is not base64 bytes");
      return Value(std::move(*bytes));
    }
  }
  return MakeError(ErrorCode::kInternal, "unknown type");
}

std::string FormatValueText(const Column& column, size_t row, const Field& field) {
  switch (field.type) {
    case DataType::kString: return std::string(column.StringAt(row));
    case DataType::kBoolean: return column.IntAt(row) != 0 ? "true" : "false";
    case DataType::kInt32:
    case DataType::kInt64: return std::to_string(column.IntAt(row));
    case DataType::kDouble: {
      char buf[64];
      auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), column.DoubleAt(row));
      return std::string(buf, ptr);
    }
    case DataType::kDate: return FormatDate(static_cast<int32_t>(column.IntAt(row)));
    case DataType::kTimestamp: {
      std::string text = FormatTimestampMicros(column.IntAt(row));  // "YYYY-MM-DDTHH:MM:SS.ffffffZ"
      text[10] = ' ';
      text.pop_back();
      return text;
    }
    case DataType::kDecimal: return FormatUnscaled(column.IntAt(row), field.scale);
    case DataType::kDecimal128: return FormatUnscaled128(column.WideAt(row), field.scale);
    case DataType::kBinary: return storage::Base64Encode(column.StringAt(row));
  }
  return "";
}

int CompareValues(const Value& a, const Value& b) {
  if (a.index() != b.index()) return a.index() < b.index() ? -1 : 1;
  if (const auto* x = std::get_if<int64_t>(&a)) {
    const int64_t y = std::get<int64_t>(b);
    return *x < y ? -1 : (*x > y ? 1 : 0);
  }
  if (const auto* x = std::get_if<double>(&a)) {
    const double y = std::get<double>(b);
    return *x < y ? -1 : (*x > y ? 1 : 0);
  }
  if (const auto* x = std::get_if<Int128>(&a)) {
    const Int128 y = std::get<Int128>(b);
    return *x < y ? -1 : (*x > y ? 1 : 0);
  }
  const int c = std::get<std::string>(a).compare(std::get<std::string>(b));
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

void AppendValue(const Value& value, Column* column) {
  if (const auto* i = std::get_if<int64_t>(&value)) {
    column->AppendInt(*i);
  } else if (const auto* d = std::get_if<double>(&value)) {
    column->AppendDouble(*d);
  } else if (const auto* w = std::get_if<Int128>(&value)) {
    column->AppendWide(*w);
  } else {
    column->AppendString(std::get<std::string>(value));
  }
}

Value ValueAt(const Column& column, size_t row) {
  switch (column.type()) {
    case DataType::kString:
    case DataType::kBinary: return Value(std::string(column.StringAt(row)));
    case DataType::kDouble: return Value(column.DoubleAt(row));
    case DataType::kDecimal128: return Value(column.WideAt(row));
    default: return Value(column.IntAt(row));
  }
}

}  // namespace jsm::delta
