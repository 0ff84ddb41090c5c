#include "common/time_argument.h"

#include <charconv>
#include <string>

#include "common/clock.h"

namespace jsm {
namespace {

bool ParseInt(std::string_view text, int* out) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

Result<int64_t> ParseTimeArgument(std::string_view text, int64_t now_us) {
  auto invalid = [&] {
    return MakeError(ErrorCode::kInvalidArgument,
                     "'" + std::string(text) + "' is not a time: use 2026-11-24, 2026-11-24T10:00:00Z or an age like 12h");
  };
  if (text.size() >= 2 && std::string("smhd").find(text.back()) != std::string::npos) {
    int amount = 0;
    if (!ParseInt(text.substr(0, text.size() - 1), &amount) || amount < 0) return invalid();
    const int64_t unit = text.back() == 's' ? 1 : text.back() == 'm' ? 60 : text.back() == 'h' ? 3600 : 86400;
    return now_us - amount * unit * 1000000LL;
  }
  if (!text.empty() && text.back() == 'Z') text.remove_suffix(1);
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (text.size() < 10 || text[4] != '-' || text[7] != '-' || !ParseInt(text.substr(0, 4), &year) ||
      !ParseInt(text.substr(5, 2), &month) || !ParseInt(text.substr(8, 2), &day) || month < 1 || month > 12 ||
      day < 1 || day > 31) {
    return invalid();
  }
  if (text.size() > 10) {
    if ((text[10] != 'T' && text[10] != ' ') || text.size() < 16 || text[13] != ':' ||
        !ParseInt(text.substr(11, 2), &hour) || !ParseInt(text.substr(14, 2), &minute) || hour > 23 || minute > 59) {
      return invalid();
    }
    if (text.size() > 16 && (text.size() != 19 || text[16] != ':' || !ParseInt(text.substr(17, 2), &second) ||
                             second > 60)) {
      return invalid();
    }
  }
  const int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return ((days * 24 + hour) * 60 + minute) * 60000000LL + second * 1000000LL;
}

}  // namespace jsm
