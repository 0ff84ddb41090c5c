#pragma once
/// Accepted order date formats as data (config/normalization/date_formats.txt):
/// patterns such as "M/D/YYYY" or "YYYY-MM-DDThh:mm*", compiled once into
/// steps, tried in order on each Date. Parsing does not allocate.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace jsm::model {

/// An ordered list of compiled date formats.
class DateFormats {
 public:
  DateFormats() = default;
  /// Parses one format per line; an unknown token, a format without exactly one
  /// year, month and day, or a '*' not at the end is "SOURCE:LINE: ..." (kInvalidArgument).
  static Result<DateFormats> Parse(std::string_view source, std::string_view text);
  /// Compiles one format, e.g. "YYYY-MM-DD"; the error message says what is wrong.
  static Result<DateFormats> FromPatterns(const std::vector<std::string>& patterns);

  /// Days since 1970-01-01 of `text` by the first format matching all of it;
  /// false if none does or the date is not on the calendar.
  bool ToDays(std::string_view text, int32_t* days) const;
  size_t size() const { return formats_.size(); }

 private:
  enum class Op : uint8_t { kYear, kMonth2, kMonth12, kDay2, kDay12, kHour, kMinute, kSecond, kLiteral, kRest };
  struct Step {
    Op op;
    char literal;
  };
  struct Format {
    std::vector<Step> steps;
  };
  /// Compiles `pattern`; on error returns the problem (without a location).
  static Result<Format> Compile(std::string_view pattern);
  static bool Match(const Format& format, std::string_view text, int32_t* days);

  std::vector<Format> formats_;
};

}  // namespace jsm::model
