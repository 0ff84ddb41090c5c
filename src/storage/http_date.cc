#include "storage/http_date.h"

#include <chrono>
#include <cstdio>

namespace jsm::storage {
namespace {

constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

}  // namespace

std::string FormatHttpDate(int64_t unix_seconds) {
  using namespace std::chrono;
  const sys_seconds time{seconds{unix_seconds}};
  const sys_days day = floor<days>(time);
  const year_month_day ymd{day};
  const hh_mm_ss hms{time - day};
  const weekday wd{day};
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%s, %02u %s %04d %02d:%02d:%02d GMT", kDays[wd.c_encoding()],
                static_cast<unsigned>(ymd.day()), kMonths[static_cast<unsigned>(ymd.month()) - 1],
                static_cast<int>(ymd.year()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buf;
}

Result<int64_t> ParseHttpDateMillis(std::string_view text) {
  using namespace std::chrono;
  char weekday[4] = {}, month_name[4] = {};
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  const std::string copy(text);
  if (std::sscanf(copy.c_str(), "%3s, %d %3s %d %d:%d:%d", weekday, &day, month_name, &year, &hour, &minute,
                  &second) != 7) {
    return MakeError(ErrorCode::kCorruption, "'" + copy + "' is not an HTTP date");
  }
  int month = 0;
  for (int m = 0; m < 12; ++m) {
    if (std::string_view(kMonths[m]) == month_name) month = m + 1;
  }
  if (month == 0) return MakeError(ErrorCode::kCorruption, "'" + copy + "' is not an HTTP date (month)");
  const year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                           std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return MakeError(ErrorCode::kCorruption, "'" + copy + "' is not a valid date");
  const auto time = sys_days{ymd} + hours{hour} + minutes{minute} + seconds{second};
  return duration_cast<milliseconds>(time.time_since_epoch()).count();
}

}  // namespace jsm::storage
